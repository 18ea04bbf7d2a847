package io.beacon.streams.predict;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.Example;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.StoreNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Labels impressions for click prediction, in the counting task, from the impressions and clicks
 * it counted (so each once, after dedup and the advertiser filter). An impression with a user id
 * waits, per (advertiser, product, user), for a click of the same user on the same product at most
 * the attribution window after it (event time), which marks it clicked. It becomes an example,
 * clicked or not, when its window closes in stream time, or at once when a newer impression of
 * the same key replaces it (a later click goes to the latest impression).
 *
 * <p>A clicked impression waits for its window to close too, so that the models learn clicked and
 * not-clicked examples in the order of their impressions. Sent as soon as it was clicked, every
 * click would reach the models a window ahead of the impressions that were not clicked: the models
 * would lean toward clicks while the traffic flows, and away from them after a pause, when the
 * windows of the last half hour close with no clicks among them.
 *
 * <p>The waiting impressions live in two stores written as each record is processed, before the
 * counting processor writes the event ids at its flush (an id is never written before what it
 * guards): by key, and by (time, key) so that the close finds the expired ones in time order.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>Each counted impression with a user becomes exactly one example.</b> It waits under its
 *       key until replaced or closed, and both stores commit with the input offsets and the
 *       examples sent under exactly_once_v2. Tests: {@code
 *       PredictTopologyTest.shouldAttributeAClickOnceWhenItIsSentTwiceOrClickedAgain}, {@code
 *       RestartIT.shouldLearnEveryImpressionOnceAcrossASigkill}.
 *   <li><b>Examples are sent in the order of their impressions' windows</b>, clicked or not (the
 *       close scans the time index in order). Test: {@code
 *       PredictTopologyTest.shouldLabelAnImpressionClickedWhenItsUserClicksWithinTheWindowAndNotClickedWhenTheWindowCloses}.
 * </ol>
 */
public final class ClickAttribution implements Processor<String, AdEvent, String, Example> {

  /** How often, in stream time, closed windows become examples. */
  public static final Duration CLOSE_INTERVAL = Duration.ofSeconds(10);
  private static final byte[] NOTHING = new byte[0];

  private final long windowMs;
  private final ProcessingListener listener;
  private ProcessorContext<String, Example> context;
  private KeyValueStore<String, Example> pending;
  private KeyValueStore<Bytes, byte[]> deadlines;
  /** Every deadline before this was closed in this run; a run starts from 0. Skips the deletes' tombstones. */
  private long closedBefore;
  private final List<Cancellable> punctuations = new ArrayList<>(1);

  public ClickAttribution(Duration window, ProcessingListener listener) {
    this.windowMs = window.toMillis();
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<String, Example> context) {
    this.context = context;
    pending = context.getStateStore(StoreNames.PENDING_IMPRESSIONS);
    deadlines = context.getStateStore(StoreNames.IMPRESSION_TIMES);
    closedBefore = 0;
    punctuations.add(context.schedule(CLOSE_INTERVAL, PunctuationType.STREAM_TIME, this::closeWindows));
  }

  /** Whether the event is one attribution takes: an impression or a click. */
  public static boolean takes(AdEvent event) {
    return event.getType() != EventType.VIEW;
  }

  @Override
  public void process(Record<String, AdEvent> record) {
    AdEvent event = record.value();
    Attribution outcome = event.getType() == EventType.IMPRESSION ? impression(event) : click(event);
    listener.attributed(event.getAdvertiserId(), outcome);
  }

  private Attribution impression(AdEvent event) {
    if (event.getUserId() == null) {
      return Attribution.IMPRESSION_WITHOUT_USER;
    }
    String key = key(event.getAdvertiserId(), event.getProductId(), event.getUserId());
    Example impression = Example.newBuilder().setAdvertiserId(event.getAdvertiserId()).setProductId(event.getProductId())
        .setUserId(event.getUserId()).setImpressionId(event.getEventId()).setImpressionTime(event.getEventTime())
        .setCampaignId(event.getCampaignId()).setPlacement(event.getPlacement())
        .setContext(event.getContext() == null ? null : Map.copyOf(event.getContext())).setClicked(false).build();
    Example waiting = pending.get(key);
    if (waiting == null) {
      hold(key, impression);
    } else if (!impression.getImpressionTime().isBefore(waiting.getImpressionTime())) {
      stopWaiting(key, waiting);
      send(waiting);
      hold(key, impression);
    } else {
      send(impression); // an older impression arriving late: a click goes to the waiting, newer one
    }
    return Attribution.IMPRESSION_PENDING;
  }

  private Attribution click(AdEvent event) {
    if (event.getUserId() == null) {
      return Attribution.CLICK_UNATTRIBUTED;
    }
    String key = key(event.getAdvertiserId(), event.getProductId(), event.getUserId());
    Example waiting = pending.get(key);
    if (waiting == null) {
      return Attribution.CLICK_UNATTRIBUTED;
    }
    long since = event.getEventTime().toEpochMilli() - waiting.getImpressionTime().toEpochMilli();
    if (since < 0 || since > windowMs) {
      return Attribution.CLICK_UNATTRIBUTED;
    }
    if (waiting.getClicked()) {
      return Attribution.CLICK_UNATTRIBUTED; // its impression was clicked already
    }
    waiting.setClicked(true);
    pending.put(key, waiting);
    return Attribution.CLICK_ATTRIBUTED;
  }

  /** Every impression whose window closed at {@code streamTime} becomes an example, clicked or not. */
  private void closeWindows(long streamTime) {
    // An impression exactly a window before stream time may still get a click stamped now.
    long closeUpTo = streamTime - windowMs - 1;
    if (closeUpTo < closedBefore) {
      return;
    }
    List<KeyValue<Bytes, byte[]>> closed = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> expired = deadlines.range(timeKey(closedBefore, ""), timeKey(closeUpTo + 1, ""))) {
      expired.forEachRemaining(closed::add);
    }
    for (KeyValue<Bytes, byte[]> entry : closed) {
      String key = new String(entry.key.get(), Long.BYTES, entry.key.get().length - Long.BYTES, StandardCharsets.UTF_8);
      deadlines.delete(entry.key);
      Example waiting = pending.delete(key);
      if (waiting != null) {
        send(waiting);
      }
    }
    closedBefore = closeUpTo + 1;
  }

  private void hold(String key, Example impression) {
    pending.put(key, impression);
    deadlines.put(timeKey(impression.getImpressionTime().toEpochMilli(), key), NOTHING);
  }

  private void stopWaiting(String key, Example waiting) {
    pending.delete(key);
    deadlines.delete(timeKey(waiting.getImpressionTime().toEpochMilli(), key));
  }

  private void send(Example example) {
    context.forward(new Record<>(example.getAdvertiserId(), example, context.currentStreamTimeMs()));
  }

  @Override
  public void close() {
    punctuations.forEach(Cancellable::cancel);
    punctuations.clear();
  }

  static String key(String advertiserId, String productId, String userId) {
    return advertiserId + '\n' + productId + '\n' + userId;
  }

  /** The impression's time, big-endian so that keys sort by it, then its key. */
  static Bytes timeKey(long time, String key) {
    byte[] suffix = key.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + suffix.length).putLong(time).put(suffix).array());
  }
}
