package io.beacon.streams.counting;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopology;
import io.beacon.streams.EventRules;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.RejectReason;
import io.beacon.streams.Resolution;
import io.beacon.streams.StoreNames;
import io.beacon.streams.personal.PersonalLearner;
import io.beacon.streams.predict.ClickAttribution;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-event rules, in order: valid fields, a known and not INACTIVE advertiser, not later than
 * the grace period (a backfilled event: not older than every bucket kept), not a duplicate; then
 * one count per resolution that keeps a bucket of its time, for the product and for the
 * advertiser, a view or click with a user id teaches the personal model, and an impression or
 * click goes on to click attribution. Every event not counted is forwarded to the rejected topic
 * with its reason.
 *
 * <p>The machinery lives beside it: {@link DedupIndex} (which ids were counted), {@link
 * CountBuffer} (counts held between flushes), {@link PersonalLearner}, {@link BucketExpiry}, and the {@link CommitHook}
 * through which Kafka Streams has the held state written before every commit, so that under
 * exactly_once_v2 a count and its input offset commit together. The invariants they rely on, and
 * how each task lifecycle path of Kafka Streams keeps them, are in the package documentation.
 */
public final class EventCountingProcessor implements Processor<String, AdEvent, String, AdEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(EventCountingProcessor.class);
  /** How often, in stream time, expired buckets are deleted. */
  static final Duration EXPIRY_INTERVAL = Duration.ofHours(1);
  /**
   * The longest, in wall-clock time, held counts of many events wait before they are written to
   * the count stores, where queries see them. Commits write them too, every 100 ms under
   * exactly_once_v2, so there this is only a bound. Under load a product gets several events in
   * that time, and each write and changelog record then folds them together (BENCHMARKS.md).
   */
  static final Duration COUNT_FLUSH_INTERVAL = Duration.ofMillis(100);
  /**
   * Held counts of at most this many events are written every {@link #FEW_EVENTS_FLUSH_INTERVAL}:
   * under light load (up to 2,000 events/s a task) a write is cheap and there is no reason to keep
   * queries waiting. Above it, writes every 10 ms fold too little: a task learning from dense user
   * histories that fell under 10,000 events/s flushed a hundred times a second, and its personal
   * model's writes slowed it further (BENCHMARKS.md, Personal recommendations).
   */
  static final int FEW_EVENTS = 20;
  static final Duration FEW_EVENTS_FLUSH_INTERVAL = Duration.ofMillis(10);
  public static final String ACCEPTED = "accepted";
  /**
   * The key in the totals store of the task's stream time, written at each flush: queries tell
   * from it whether a window can still change (events older than it minus the grace are LATE).
   */
  public static final String STREAM_TIME = "stream-time";

  private final BeaconConfig config;
  private final String rejectedSink;
  private final ProcessingListener listener;
  private final TaskMemoryBudget budget;
  private boolean inBudget;
  private ProcessorContext<String, AdEvent> context;
  private TimestampedKeyValueStore<String, Advertiser> advertisers;
  private DedupIndex dedup;
  private CountBuffer counts;
  private PersonalLearner personal;
  private BucketExpiry expiry;
  /** The punctuations of this init; cancelled at close, since Kafka Streams keeps them across a revive. */
  private final List<Cancellable> punctuations = new ArrayList<>(2);
  /** Events counted since the last flush: the listener hears of them once queries can see them. */
  private final List<CountedEvent> notYetVisible = new ArrayList<>();
  private long lastFlushAt;

  private record CountedEvent(String advertiserId, long acceptedAt) {}

  public EventCountingProcessor(BeaconConfig config, String rejectedSink, ProcessingListener listener,
      TaskMemoryBudget budget) {
    this.config = config;
    this.rejectedSink = rejectedSink;
    this.listener = listener;
    this.budget = budget;
  }

  /**
   * Called when the task starts, and again on the same instance when Kafka Streams revives or
   * resumes it: everything held is made anew from the stores (invariant 3).
   */
  @Override
  public void init(ProcessorContext<String, AdEvent> context) {
    this.context = context;
    notYetVisible.clear();
    if (!inBudget) {
      budget.join();
      inBudget = true;
    }
    advertisers = context.getStateStore(StoreNames.ADVERTISERS);
    counts = new CountBuffer(context.getStateStore(StoreNames.PRODUCT_COUNTS), context.getStateStore(StoreNames.ADVERTISER_COUNTS),
        context.getStateStore(StoreNames.COUNTED_ADVERTISERS), context.getStateStore(StoreNames.EVENT_TOTALS), budget);
    dedup = new DedupIndex(config.dedupWindow().toMillis(), config.dedupLiveReach().toMillis(), config.maxClockSkew().toMillis(),
        context.getStateStore(StoreNames.EVENT_IDS), context.getStateStore(StoreNames.EVENT_TOTALS),
        new SeenIdFilters(budget::seenIdFilterBytesPerTask), listener);
    dedup.open(context.taskId(), context.currentStreamTimeMs());
    personal = new PersonalLearner(config.personal(), context.getStateStore(StoreNames.USER_HISTORIES),
        context.getStateStore(StoreNames.COOCCURRENCES));
    expiry = new BucketExpiry(context.getStateStore(StoreNames.PRODUCT_COUNTS), context.getStateStore(StoreNames.ADVERTISER_COUNTS),
        context.getStateStore(StoreNames.COUNTED_ADVERTISERS));
    context.<CommitHook>getStateStore(StoreNames.COUNT_COMMIT_HOOK).beforeCommit(this::flush);
    lastFlushAt = context.currentSystemTimeMs();
    punctuations.add(context.schedule(FEW_EVENTS_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::maybeFlush));
    punctuations.add(context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::expire));
  }

  @Override
  public void process(Record<String, AdEvent> record) {
    // Held like the rest, so a flush writes only what records put in memory: the changelog writes
    // take the record context of the record being processed, which a task has none of before its
    // first record (invariant 7).
    counts.set(STREAM_TIME, context.currentStreamTimeMs());
    AdEvent event = record.value();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<String> invalid = EventRules.problem(record.key(), event, now, config);
    if (invalid.isPresent()) {
      reject(record, RejectReason.INVALID, invalid.get());
      return;
    }
    String advertiserId = event.getAdvertiserId();
    ValueAndTimestamp<Advertiser> advertiser = advertisers.get(advertiserId);
    if (advertiser == null || advertiser.value() == null) {
      reject(record, RejectReason.UNKNOWN_ADVERTISER, "no advertiser " + advertiserId + " on the advertisers topic");
      return;
    }
    if (advertiser.value().getStatus() == AdvertiserStatus.INACTIVE) {
      reject(record, RejectReason.INACTIVE_ADVERTISER, "advertiser " + advertiserId + " is INACTIVE");
      return;
    }
    long eventTime = event.getEventTime().toEpochMilli();
    long streamTime = context.currentStreamTimeMs();
    boolean backfill = EventRules.isBackfill(record.headers());
    // A live event counts while its windows may still change; a backfilled one while any bucket of
    // its time is kept, and only in those that are.
    long closedBefore = backfill ? Resolution.DAY.oldestKept(streamTime) : streamTime - config.grace().toMillis();
    if (eventTime < closedBefore) {
      reject(record, RejectReason.LATE, "event_time " + event.getEventTime() + " is before " + Instant.ofEpochMilli(closedBefore)
          + (backfill ? " (the oldest day bucket kept)" : " (stream time minus grace " + config.grace() + ")"));
      return;
    }
    String dedupKey = DedupIndex.key(advertiserId, event.getEventId());
    long dedupHash = BlockedBloomFilter.hash(dedupKey);
    if (dedup.seenBefore(dedupKey, dedupHash, eventTime, now.toEpochMilli())) {
      reject(record, RejectReason.DUPLICATE, "event_id " + event.getEventId() + " already counted");
      return;
    }
    dedup.add(dedupKey, dedupHash, eventTime, streamTime);
    counts.count(event, eventTime, streamTime);
    counts.increment(ACCEPTED);
    if (config.personal().enabled() && PersonalLearner.teaches(event)) {
      personal.learn(event, eventTime);
    }
    if (config.predict().enabled() && ClickAttribution.takes(event)) {
      context.forward(record, BeaconTopology.ATTRIBUTE_PROCESSOR);
    }
    notYetVisible.add(new CountedEvent(advertiserId, ProcessingListener.acceptedAt(record.headers())));
  }

  @Override
  public void close() {
    punctuations.forEach(Cancellable::cancel);
    punctuations.clear();
    if (inBudget) {
      budget.leave();
      inBudget = false;
    }
  }

  private void maybeFlush(long now) {
    if (notYetVisible.size() <= FEW_EVENTS || now - lastFlushAt >= COUNT_FLUSH_INTERVAL.toMillis()) {
      flush();
    }
  }

  /**
   * Writes what is held: the personal model, the counts and totals, then the ids of the events
   * counted (invariants 2 and 9).
   * Then the listener hears of the events, now visible to queries.
   */
  private void flush() {
    lastFlushAt = context.currentSystemTimeMs();
    personal.flush();
    counts.flush();
    dedup.flush();
    // Wall clock, not the context's cached time, which can trail by a whole poll loop.
    long now = System.currentTimeMillis();
    for (CountedEvent event : notYetVisible) {
      listener.counted(event.advertiserId(), event.acceptedAt() < 0 ? -1 : Math.max(0, now - event.acceptedAt()));
    }
    notYetVisible.clear();
  }

  private void reject(Record<String, AdEvent> record, RejectReason reason, String detail) {
    LOG.atDebug().addKeyValue("advertiser_id", record.key()).addKeyValue("event_id", record.value().getEventId())
        .addKeyValue("reason", reason).log("rejected event: {}", detail);
    counts.increment(totalKeyFor(reason));
    listener.rejected(record.key(), reason);
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(RejectReason.HEADER, reason.name().getBytes(StandardCharsets.UTF_8));
    headers.add(RejectReason.DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
    context.forward(record.withHeaders(headers), rejectedSink);
  }

  /** The key in the totals store under which rejections for {@code reason} are counted. */
  public static String totalKeyFor(RejectReason reason) {
    return "rejected." + reason.name();
  }

  /**
   * Moves the dedup filters' live reach up, then deletes the count buckets past their retention,
   * after writing and forgetting the held counts.
   */
  private void expire(long streamTime) {
    flush();
    dedup.advance(streamTime);
    counts.forgetHeld();
    expiry.expire(streamTime);
    personal.expire(streamTime);
  }
}
