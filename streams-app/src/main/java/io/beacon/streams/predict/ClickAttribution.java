package io.beacon.streams.predict;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.Example;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Labels impressions for click prediction, in the counting task, from the impressions and clicks
 * it counted (so each once, after dedup and the advertiser filter). An impression with a user id
 * waits for its attribution window (event time). A click of the same user on the same product
 * marks the latest such impression within the window before it as clicked, unless it already is.
 * Every impression becomes an example, clicked or not, when its window closes in stream time.
 *
 * <p>A clicked impression waits for its window to close too, so that the models learn clicked and
 * not-clicked examples in the order of their impressions. Sent as soon as it was clicked, every
 * click would reach the models a window ahead of the impressions that were not clicked: the models
 * would lean toward clicks while the traffic flows, and away from them after a pause, when the
 * windows of the last half hour close with no clicks among them.
 *
 * <p>An impression costs two writes, both to window stores that drop it with its segment once it is
 * older than their retention, with no delete: the impression under the close interval it falls in,
 * which the close reads by key, and its id under (advertiser, product, user), which a click reads.
 * Clicks are marked in a key-value store under the impression's id, deleted when it closes, and
 * the time before which every window was closed is stored, so that a restarted task closes none
 * twice. A window store's range over all keys reads whole segments, and deleting each impression
 * made labelling cost more than counting (BENCHMARKS.md).
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>Each counted impression with a user becomes exactly one example.</b> Closing reads the
 *       intervals from the stored close time on, and stores the new one in the same transaction
 *       as the examples sent, under exactly_once_v2. Tests: {@code
 *       PredictTopologyTest.shouldAttributeAClickOnceWhenItIsSentTwiceOrClickedAgain}, {@code
 *       RestartIT.shouldLearnEveryImpressionOnceAcrossASigkill}.
 *   <li><b>No impression's segment is dropped before its window was closed.</b> The stores keep
 *       impressions a window and two close intervals, and before an impression is written when
 *       stream time ran more than a close interval past the last close, the windows due are
 *       closed: writing one whose time is past the retention is what makes a store drop old
 *       segments. Test: {@code PredictTopologyTest.shouldLabelEveryImpressionWhenStreamTimeJumpsPastTheRetention}.
 *   <li><b>Examples are sent in the order of their impressions</b>, clicked or not. Test: {@code
 *       PredictTopologyTest.shouldLabelAnImpressionClickedWhenItsUserClicksWithinTheWindowAndNotClickedWhenTheWindowCloses}.
 *   <li><b>Both window stores always have a segment</b> (invariant 8 of the counting package): a
 *       keeper entry is written when the task starts on an empty store, and a store drops old
 *       segments only as it is written to, never the one it writes. Nothing else is written at a
 *       close: each write at a new stream time may open a segment, a RocksDB instance of its own,
 *       and a backfill of days without impressions opened thousands. Test: {@code
 *       RestartIT.shouldRestoreNothingAndLogNoErrorAfterACleanStop}.
 * </ol>
 */
public final class ClickAttribution implements Processor<String, AdEvent, String, Example> {

  /** How often, in stream time, closed windows become examples; impressions are stored by intervals this long. */
  public static final Duration CLOSE_INTERVAL = Duration.ofSeconds(10);
  /** The key of the entries that keep the window stores' segments; no interval or impression key equals it. */
  static final String SEGMENT_KEEPER = "segment-keeper";
  /** The key, in the progress store, of the time before which every window was closed. */
  static final String CLOSED_BEFORE = "closed-before";
  private static final long NOT_YET = Long.MIN_VALUE;
  private static final Example KEEPER = Example.newBuilder().setAdvertiserId("").setProductId("").setUserId("").setImpressionId("")
      .setImpressionTime(Instant.EPOCH).setClicked(false).build();

  private final long windowMs;
  private final long intervalMs = CLOSE_INTERVAL.toMillis();
  private final ProcessingListener listener;
  private ProcessorContext<String, Example> context;
  private WindowStore<String, Example> byInterval;
  private WindowStore<String, String> byUser;
  private KeyValueStore<String, Long> clicks;
  private KeyValueStore<String, Long> progress;
  /** Every window of an impression before this was closed; {@link #NOT_YET} before the task's first impression. */
  private long closedBefore;
  private final List<Cancellable> punctuations = new ArrayList<>(1);

  public ClickAttribution(Duration window, ProcessingListener listener) {
    this.windowMs = window.toMillis();
    this.listener = listener;
  }

  /** How long the window stores keep an impression: its window, and two close intervals to be closed in. */
  public static Duration retention(Duration window) {
    return window.plus(CLOSE_INTERVAL.multipliedBy(2));
  }

  @Override
  public void init(ProcessorContext<String, Example> context) {
    this.context = context;
    byInterval = context.getStateStore(StoreNames.IMPRESSIONS_AWAITING_CLICKS);
    byUser = context.getStateStore(StoreNames.IMPRESSIONS_BY_USER);
    clicks = context.getStateStore(StoreNames.CLICKED_IMPRESSIONS);
    progress = context.getStateStore(StoreNames.ATTRIBUTION_PROGRESS);
    Long stored = progress.get(CLOSED_BEFORE);
    closedBefore = stored == null ? NOT_YET : stored;
    keepSegment(byInterval, KEEPER);
    keepSegment(byUser, "");
    punctuations.add(context.schedule(CLOSE_INTERVAL, PunctuationType.STREAM_TIME, this::closeWindows));
  }

  /** Writes a keeper at time 0 into an empty store: the first impression stored expires it. */
  private static <V> void keepSegment(WindowStore<String, V> store, V keeper) {
    try (KeyValueIterator<Windowed<String>, V> any = store.all()) {
      if (!any.hasNext()) {
        store.put(SEGMENT_KEEPER, keeper, 0L);
      }
    }
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
    Example impression = Example.newBuilder().setAdvertiserId(event.getAdvertiserId()).setProductId(event.getProductId())
        .setUserId(event.getUserId()).setImpressionId(event.getEventId()).setImpressionTime(event.getEventTime())
        .setCampaignId(event.getCampaignId()).setPlacement(event.getPlacement())
        .setContext(event.getContext() == null ? null : Map.copyOf(event.getContext())).setClicked(false).build();
    long time = event.getEventTime().toEpochMilli();
    long streamTime = context.currentStreamTimeMs();
    if (closedBefore == NOT_YET) {
      closedBefore = Math.max(0, streamTime - windowMs - 1); // older impressions than this came too late to wait
    } else if (streamTime - windowMs - intervalMs > closedBefore) {
      closeWindows(streamTime); // invariant 2: stream time jumped; close what is due before a write may drop it
    }
    if (time < closedBefore) {
      send(impression); // so late that its window closed already
    } else {
      byInterval.put(Long.toString(time / intervalMs), impression, time);
      byUser.put(key(event.getAdvertiserId(), event.getProductId(), event.getUserId()), event.getEventId(), time);
    }
    return Attribution.IMPRESSION_PENDING;
  }

  private Attribution click(AdEvent event) {
    if (event.getUserId() == null || closedBefore == NOT_YET) {
      return Attribution.CLICK_UNATTRIBUTED;
    }
    long time = event.getEventTime().toEpochMilli();
    KeyValue<Long, String> latest = null;
    try (WindowStoreIterator<String> newestFirst = byUser.backwardFetch(
        key(event.getAdvertiserId(), event.getProductId(), event.getUserId()), Instant.ofEpochMilli(Math.max(0, time - windowMs)),
        event.getEventTime())) {
      if (newestFirst.hasNext()) {
        latest = newestFirst.next();
      }
    }
    if (latest == null || latest.key < closedBefore) {
      return Attribution.CLICK_UNATTRIBUTED; // none within the window, or its example was sent
    }
    String clicked = clickKey(event.getAdvertiserId(), latest.value);
    if (clicks.get(clicked) != null) {
      return Attribution.CLICK_UNATTRIBUTED; // its impression was clicked already
    }
    clicks.put(clicked, time);
    return Attribution.CLICK_ATTRIBUTED;
  }

  /** Every impression whose window closed at {@code streamTime} becomes an example, clicked or not, in time order. */
  private void closeWindows(long streamTime) {
    // An impression exactly a window before stream time may still get a click stamped now.
    long closeUpTo = streamTime - windowMs - 1;
    if (closedBefore != NOT_YET && closeUpTo >= closedBefore) {
      List<Example> closed = new ArrayList<>();
      for (long interval = closedBefore / intervalMs; interval <= closeUpTo / intervalMs; interval++) {
        try (WindowStoreIterator<Example> due = byInterval.fetch(Long.toString(interval),
            Instant.ofEpochMilli(Math.max(closedBefore, interval * intervalMs)), Instant.ofEpochMilli(closeUpTo))) {
          due.forEachRemaining(entry -> closed.add(entry.value));
        }
      }
      closed.sort(Comparator.comparing(Example::getImpressionTime).thenComparing(Example::getImpressionId));
      for (Example example : closed) {
        String clicked = clickKey(example.getAdvertiserId(), example.getImpressionId());
        if (clicks.get(clicked) != null) {
          example.setClicked(true);
          clicks.delete(clicked);
        }
        send(example);
      }
      closedBefore = closeUpTo + 1;
      progress.put(CLOSED_BEFORE, closedBefore);
    }
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

  /** An impression's key in the clicks store: its advertiser and event id, unique among counted events. */
  private static String clickKey(String advertiserId, String impressionId) {
    return advertiserId + '\n' + impressionId;
  }
}
