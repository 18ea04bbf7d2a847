package io.beacon.streams.internals;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.Counts;
import io.beacon.streams.EventRules;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.RejectReason;
import io.beacon.streams.Resolution;
import io.beacon.streams.StoreNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-event rules, in order: valid fields, a known and not INACTIVE advertiser, not later than
 * the grace period, not a duplicate; then one count per resolution for the product and for the
 * advertiser. Every event not counted is forwarded to the rejected topic with its reason. All
 * state lives in stores of this task, and counts held in memory are written to them before every
 * commit (CommitHook), so under exactly_once_v2 a count and its input offset commit together.
 */
public final class EventCountingProcessor implements Processor<String, AdEvent, String, AdEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(EventCountingProcessor.class);
  /** How often, in stream time, expired buckets are deleted. */
  static final Duration EXPIRY_INTERVAL = Duration.ofHours(1);
  /**
   * The longest, in wall-clock time, held counts of many events wait before they are written to
   * the count stores, where queries see them. Commits write them too, every 100 ms under
   * exactly_once_v2, so there this is only a bound. Under load most products get about one event
   * per 50 ms: waiting 100 folds about two into each write and changelog record (BENCHMARKS.md).
   */
  static final Duration COUNT_FLUSH_INTERVAL = Duration.ofMillis(100);
  /**
   * Held counts of at most this many events are written every {@link #FEW_EVENTS_FLUSH_INTERVAL}:
   * under light load a write is cheap and there is no reason to keep queries waiting.
   */
  static final int FEW_EVENTS = 100;
  static final Duration FEW_EVENTS_FLUSH_INTERVAL = Duration.ofMillis(10);
  public static final String ACCEPTED = "accepted";
  /**
   * How far the wall clock may step back, or trail on the instance a task moves to, without a
   * dedup bucket being skipped too early (seenBefore).
   */
  static final Duration CLOCK_STEP_MARGIN = Duration.ofMinutes(1);

  private final BeaconConfig config;
  private final String rejectedSink;
  private final ProcessingListener listener;
  private final TaskMemoryBudget budget;
  private boolean inBudget;
  private ProcessorContext<String, AdEvent> context;
  private TimestampedKeyValueStore<String, Advertiser> advertisers;
  private WindowStore<String, Long> eventIds;
  /** Filters of the ids in {@link #eventIds}, so that the dedup check skips most of its reads. */
  private final SeenIdFilters seenIds;
  private KeyValueStore<Bytes, Counts> productCountStore;
  private KeyValueStore<Bytes, Counts> advertiserCountStore;
  private HeldCounts productCounts;
  private HeldCounts advertiserCounts;
  /** Buckets a product count of which, when not held, is known to be zero: no store read. */
  private final BucketsStartedHere bucketsStartedHere = new BucketsStartedHere();
  private KeyValueStore<String, Long> countedAdvertisers;
  private KeyValueStore<String, Long> totals;
  /*
   * Mirrors of the small stores, so the per-event path skips their reads. They and the held
   * counts hold what this task wrote or read since init(): Kafka Streams calls init() on the same
   * processor again when it revives a task whose transaction aborted, after the stores are rolled
   * back, so init() starts them afresh.
   */
  private final Map<String, Long> latestEventTimes = new HashMap<>();
  /** The totals, held like the counts and written with them: one store write per changed total and flush. */
  private final Map<String, Long> heldTotals = new HashMap<>();
  private final Set<String> changedTotals = new HashSet<>();
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
    this.seenIds = new SeenIdFilters(budget::seenIdFilterBytesPerTask);
  }

  @Override
  public void init(ProcessorContext<String, AdEvent> context) {
    this.context = context;
    latestEventTimes.clear();
    heldTotals.clear();
    changedTotals.clear();
    notYetVisible.clear();
    advertisers = context.getStateStore(StoreNames.ADVERTISERS);
    eventIds = context.getStateStore(StoreNames.EVENT_IDS);
    productCountStore = context.getStateStore(StoreNames.PRODUCT_COUNTS);
    advertiserCountStore = context.getStateStore(StoreNames.ADVERTISER_COUNTS);
    if (!inBudget) {
      budget.join();
      inBudget = true;
    }
    bucketsStartedHere.clear();
    productCounts = new HeldCounts(productCountStore, budget::heldCountsPerTask, bucketsStartedHere::productLetGo);
    advertiserCounts = new HeldCounts(advertiserCountStore, budget::heldCountsPerTask);
    fillSeenIdFilters();
    context.<CommitHook>getStateStore(StoreNames.COUNT_COMMIT_HOOK).beforeCommit(this::flushCounts);
    lastFlushAt = context.currentSystemTimeMs();
    context.schedule(FEW_EVENTS_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::maybeFlushCounts);
    countedAdvertisers = context.getStateStore(StoreNames.COUNTED_ADVERTISERS);
    totals = context.getStateStore(StoreNames.EVENT_TOTALS);
    context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::deleteExpiredBuckets);
  }

  @Override
  public void process(Record<String, AdEvent> record) {
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
    long closedBefore = context.currentStreamTimeMs() - config.grace().toMillis();
    if (eventTime < closedBefore) {
      reject(record, RejectReason.LATE, "event_time " + event.getEventTime() + " is before "
          + Instant.ofEpochMilli(closedBefore) + " (stream time minus grace " + config.grace() + ")");
      return;
    }
    String dedupKey = advertiserId + '\n' + event.getEventId();
    long dedupHash = BlockedBloomFilter.hash(dedupKey);
    long bucket = dedupBucket(eventTime);
    if (seenBefore(dedupKey, dedupHash, eventTime, bucket, now.toEpochMilli())) {
      reject(record, RejectReason.DUPLICATE, "event_id " + event.getEventId() + " already counted");
      return;
    }
    eventIds.put(dedupKey, eventTime, bucket);
    // On-time events check the bucket of the stream time and the one before (seenBefore).
    seenIds.add(bucket, dedupHash, dedupBucket(context.currentStreamTimeMs()) - config.dedupWindow().toMillis());
    count(event, eventTime);
    increment(ACCEPTED);
    notYetVisible.add(new CountedEvent(advertiserId, ProcessingListener.acceptedAt(record.headers())));
  }

  @Override
  public void close() {
    if (inBudget) {
      budget.leave();
      inBudget = false;
    }
  }

  /**
   * Whether the event id was counted within the dedup window of {@code eventTime}. Ids are stored
   * under the start of their dedup-window-sized bucket ({@code bucket} for this event), so the check is three point lookups (this
   * bucket and its neighbours) instead of a range fetch, which opened a RocksDB iterator per
   * segment for every event. A bucket that starts later than any counted event can be is not read:
   * EventRules rejects events beyond now plus the allowed clock skew, so for live traffic the next
   * bucket is empty and two lookups do (each probes every SST file of its segment: BENCHMARKS.md).
   * A bucket whose filter rules the id out is not read at all.
   */
  private boolean seenBefore(String dedupKey, long dedupHash, long eventTime, long bucket, long now) {
    long window = config.dedupWindow().toMillis();
    long latestCountable = now + config.maxClockSkew().toMillis() + CLOCK_STEP_MARGIN.toMillis();
    for (long start = bucket - window; start <= bucket + window && start <= latestCountable; start += window) {
      if (!seenIds.mightContain(start, dedupHash)) {
        continue;
      }
      listener.dedupStoreRead();
      Long seenAt = eventIds.fetch(dedupKey, start);
      if (seenAt != null && Math.abs(seenAt - eventTime) <= window) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fills the filters from the dedup store, which Kafka Streams has restored (or rolled back) by
   * the time it initialises the processor: a filter must hold every id of its bucket.
   */
  private void fillSeenIdFilters() {
    seenIds.clear();
    long started = System.nanoTime();
    long ids = 0;
    try (KeyValueIterator<Windowed<String>, Long> stored = eventIds.all()) {
      while (stored.hasNext()) {
        Windowed<String> id = stored.next().key;
        // The store gives its segments oldest first: when the budget runs short, the newest buckets
        // keep their filters.
        seenIds.add(id.window().start(), BlockedBloomFilter.hash(id.key()), Long.MAX_VALUE);
        ids++;
      }
    }
    if (ids > 0) {
      LOG.atInfo().addKeyValue("task", context.taskId()).log("dedup filters filled from {} stored event ids in {} ms ({} KiB)",
          ids, (System.nanoTime() - started) / 1_000_000, seenIds.bytes() / 1024);
    }
  }

  private long dedupBucket(long eventTime) {
    long window = config.dedupWindow().toMillis();
    return Math.floorDiv(eventTime, window) * window;
  }

  private void count(AdEvent event, long eventTime) {
    String advertiserId = event.getAdvertiserId();
    for (Resolution resolution : Resolution.values()) {
      long bucket = resolution.bucketStart(eventTime);
      Bytes bucketKey = CountKeys.bucket(advertiserId, resolution, bucket);
      if (advertiserCounts.add(bucketKey, event.getType())) {
        bucketsStartedHere.started(bucketKey);
      }
      productCounts.add(CountKeys.product(advertiserId, resolution, bucket, event.getProductId()), event.getType(),
          bucketsStartedHere.allHeld(bucketKey));
    }
    // Stored at second precision, what the last-event gauge shows: one write per second per
    // advertiser instead of one per event.
    Long latest = latestEventTimes.computeIfAbsent(advertiserId, countedAdvertisers::get);
    if (latest == null || latest / 1000 < eventTime / 1000) {
      latestEventTimes.put(advertiserId, eventTime);
      countedAdvertisers.put(advertiserId, eventTime);
    }
  }

  private void maybeFlushCounts(long now) {
    if (notYetVisible.size() <= FEW_EVENTS || now - lastFlushAt >= COUNT_FLUSH_INTERVAL.toMillis()) {
      flushCounts();
    }
  }

  /**
   * Writes the held counts to the count stores, products first: a query that reads an
   * advertiser's count and then its products' must find at least what the advertiser's count
   * holds (ProductSums relies on it). Then the held totals.
   */
  private void flushCounts() {
    lastFlushAt = context.currentSystemTimeMs();
    productCounts.flush();
    advertiserCounts.flush();
    if (!changedTotals.isEmpty()) {
      List<KeyValue<String, Long>> writes = new ArrayList<>(changedTotals.size());
      changedTotals.forEach(key -> writes.add(KeyValue.pair(key, heldTotals.get(key))));
      changedTotals.clear();
      totals.putAll(writes);
    }
    // Wall clock, not the context's cached time, which can trail by a whole poll loop.
    long now = System.currentTimeMillis();
    for (CountedEvent event : notYetVisible) {
      listener.counted(event.advertiserId(), event.acceptedAt() < 0 ? -1 : Math.max(0, now - event.acceptedAt()));
    }
    notYetVisible.clear();
  }

  private void increment(String totalKey) {
    Long current = heldTotals.computeIfAbsent(totalKey, totals::get);
    heldTotals.put(totalKey, current == null ? 1L : current + 1);
    changedTotals.add(totalKey);
  }

  private void reject(Record<String, AdEvent> record, RejectReason reason, String detail) {
    LOG.atDebug().addKeyValue("advertiser_id", record.key()).addKeyValue("event_id", record.value().getEventId())
        .addKeyValue("reason", reason).log("rejected event: {}", detail);
    increment(totalKeyFor(reason));
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

  /** Deletes buckets older than their resolution's retention, and advertisers idle for longer. */
  private void deleteExpiredBuckets(long streamTime) {
    // Lookups reach back at most grace plus two windows (seenBefore), less than the retention.
    seenIds.forgetBefore(streamTime - config.dedupRetention().toMillis());
    // Held counts of deleted buckets must not outlive them.
    flushCounts();
    productCounts.clear();
    advertiserCounts.clear();
    bucketsStartedHere.clear();
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = countedAdvertisers.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> advertiser = all.next();
        for (Resolution resolution : Resolution.values()) {
          long cutoff = streamTime - resolution.retentionMs();
          if (cutoff > 0) {
            deleteRange(productCountStore, advertiser.key, resolution, cutoff);
            deleteRange(advertiserCountStore, advertiser.key, resolution, cutoff);
          }
        }
        if (advertiser.value < streamTime - Resolution.longestRetentionMs()) {
          idle.add(advertiser.key);
        }
      }
    }
    idle.forEach(advertiser -> {
      countedAdvertisers.delete(advertiser);
      latestEventTimes.remove(advertiser);
    });
  }

  /** Deletes the advertiser's buckets of one resolution that start before {@code cutoff}. */
  private static void deleteRange(KeyValueStore<Bytes, Counts> store, String advertiser, Resolution resolution, long cutoff) {
    List<Bytes> expired = new ArrayList<>();
    // The upper bound is the cutoff bucket's own key, which sorts before every product of it.
    try (KeyValueIterator<Bytes, Counts> range = store.range(
        CountKeys.bucket(advertiser, resolution, 0), CountKeys.bucket(advertiser, resolution, resolution.bucketStart(cutoff)))) {
      while (range.hasNext()) {
        Bytes key = range.next().key;
        if (CountKeys.bucketStart(key) < resolution.bucketStart(cutoff)) {
          expired.add(key);
        }
      }
    }
    expired.forEach(store::delete);
  }
}
