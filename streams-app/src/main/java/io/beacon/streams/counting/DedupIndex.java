package io.beacon.streams.counting;

import io.beacon.streams.ProcessingListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event ids a task has counted, by dedup bucket: the dedup store, a Bloom filter per bucket in
 * front of it ({@link SeenIdFilters}), and the ids counted since the last flush. An id is stored
 * under the start of its bucket, a dedup window long, so a check is a point lookup in the event's
 * bucket and its two neighbours; a bucket whose filter rules the id out is not read at all.
 *
 * <p>The filters are only as good as their completeness, which is checked, not assumed (package
 * documentation, invariant 1): beside the ids, the totals store records how many ids each bucket
 * holds, written in the same flush. When the task starts, the filters are filled from the store
 * and each bucket's ids are counted against that record; a bucket that does not match (state
 * written by an older version, a store that lost records) is {@link SeenIdFilters#distrust
 * distrusted} and reads the store for every id. The fill always logs what it found.
 *
 * <p>Ids counted since the last flush are held here and written by {@link #flush()}, which the
 * processor calls after writing the counts (invariant 2).
 */
final class DedupIndex {

  private static final Logger LOG = LoggerFactory.getLogger(DedupIndex.class);
  /** Keys in the totals store of the ids stored per bucket: the prefix, then the bucket start in epoch ms. */
  static final String BUCKET_SIZE_PREFIX = "dedup-bucket.";
  /**
   * Stored when a task's dedup store is empty, so that it has a segment (invariant 8). No event's
   * key can equal it: those are an advertiser id, a line feed and an event id.
   */
  static final String SEGMENT_KEEPER = "segment-keeper";
  /**
   * How far the wall clock may step back, or trail on the instance a task moves to, without a
   * bucket being skipped too early (seenBefore).
   */
  static final long CLOCK_STEP_MARGIN_MS = 60_000;

  private final long window;
  private final long retention;
  private final long maxClockSkew;
  private final WindowStore<String, Long> ids;
  private final KeyValueStore<String, Long> totals;
  private final SeenIdFilters filters;
  private final ProcessingListener listener;
  /** Ids counted since the last flush, by bucket start, with their event times. */
  private final Map<Long, Map<String, Long>> unwritten = new HashMap<>();
  /** Ids each bucket holds, stored or unwritten, as the totals store records them after a flush. */
  private final Map<Long, Long> bucketSizes = new HashMap<>();

  /**
   * @param window the dedup window, also the size of a bucket
   * @param retention how long the store keeps a bucket's ids; lookups never reach further back
   * @param maxClockSkew how far in the future an event may be stamped and still count
   */
  DedupIndex(long window, long retention, long maxClockSkew, WindowStore<String, Long> ids,
      KeyValueStore<String, Long> totals, SeenIdFilters filters, ProcessingListener listener) {
    this.window = window;
    this.retention = retention;
    this.maxClockSkew = maxClockSkew;
    this.ids = ids;
    this.totals = totals;
    this.filters = filters;
    this.listener = listener;
  }

  /** The key under which an event's id is kept: the same id of another advertiser is another event. */
  static String key(String advertiserId, String eventId) {
    return advertiserId + '\n' + eventId;
  }

  /** The start of the bucket that holds {@code eventTime}. */
  long bucket(long eventTime) {
    return Math.floorDiv(eventTime, window) * window;
  }

  /**
   * Fills the filters from the store, which Kafka Streams has restored, rolled back or left as it
   * was by the time it initialises the processor, and checks each bucket against its recorded size.
   */
  void open(TaskId task) {
    long started = System.nanoTime();
    try (KeyValueIterator<String, Long> recorded = totals.prefixScan(BUCKET_SIZE_PREFIX, new StringSerializer())) {
      recorded.forEachRemaining(size -> bucketSizes.put(Long.parseLong(size.key.substring(BUCKET_SIZE_PREFIX.length())), size.value));
    }
    Map<Long, Long> found = new TreeMap<>();
    boolean hasSegment = false;
    try (KeyValueIterator<Windowed<String>, Long> stored = ids.all()) {
      while (stored.hasNext()) {
        Windowed<String> id = stored.next().key;
        hasSegment = true;
        if (!id.key().equals(SEGMENT_KEEPER)) {
          // The store gives its segments oldest first: when the budget runs short, the newest
          // buckets keep their filters.
          filters.add(id.window().start(), BlockedBloomFilter.hash(id.key()), Long.MAX_VALUE);
          found.merge(id.window().start(), 1L, Long::sum);
        }
      }
    }
    if (!hasSegment) {
      // Window start 0: the first id stored expires this segment.
      ids.put(SEGMENT_KEEPER, 0L, 0L);
    }
    List<String> unverified = distrustIncompleteBuckets(found);
    long idCount = found.values().stream().mapToLong(Long::longValue).sum();
    LOG.atInfo().addKeyValue("task", task).log("dedup filters filled from {} stored event ids in {} buckets in {} ms ({} KiB);"
        + " {} buckets unverified", idCount, found.size(), (System.nanoTime() - started) / 1_000_000, filters.bytes() / 1024,
        unverified.size());
    if (!unverified.isEmpty()) {
      LOG.atWarn().addKeyValue("task", task).log("dedup buckets whose stored ids do not match the recorded count: {}."
          + " Their dedup checks read RocksDB (beacon_dedup_unfiltered_checks_total) until they expire", unverified);
    }
  }

  /**
   * Distrusts every bucket a lookup can still reach whose ids found in the store differ from its
   * recorded size; what each was, for the log.
   */
  private List<String> distrustIncompleteBuckets(Map<Long, Long> found) {
    long newest = Math.max(found.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE),
        bucketSizes.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE));
    TreeMap<Long, Long> buckets = new TreeMap<>(found);
    bucketSizes.keySet().forEach(bucket -> buckets.putIfAbsent(bucket, 0L));
    List<String> unverified = new ArrayList<>();
    buckets.forEach((bucket, stored) -> {
      long recorded = bucketSizes.getOrDefault(bucket, 0L);
      // Lookups reach back less than the retention from the newest bucket (seenBefore): older ones
      // are on their way out of both the store and the record, not necessarily at the same moment.
      if (stored != recorded && bucket >= newest - retention) {
        filters.distrust(bucket);
        unverified.add(java.time.Instant.ofEpochMilli(bucket) + " (" + stored + " stored, " + recorded + " recorded)");
      }
    });
    return unverified;
  }

  /**
   * Whether the id under {@code key} was counted within the dedup window of {@code eventTime}.
   * Checks the event's bucket and its neighbours, except a bucket that starts later than any
   * counted event can be: events stamped beyond now plus the allowed clock skew are invalid, so for
   * live traffic the next bucket is empty and two lookups do.
   */
  boolean seenBefore(String key, long hash, long eventTime, long now) {
    long bucket = bucket(eventTime);
    long latestCountable = now + maxClockSkew + CLOCK_STEP_MARGIN_MS;
    for (long start = bucket - window; start <= bucket + window && start <= latestCountable; start += window) {
      if (!filters.mightContain(start, hash)) {
        continue;
      }
      Map<String, Long> held = unwritten.get(start);
      Long seenAt = held == null ? null : held.get(key);
      if (seenAt == null) {
        if (!filters.complete(start)) {
          listener.dedupCheckWithoutFilter();
        }
        listener.dedupStoreRead();
        seenAt = ids.fetch(key, start);
      }
      if (seenAt != null && Math.abs(seenAt - eventTime) <= window) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds a counted id; {@link #flush()} writes it. {@code streamTime} tells which buckets are live:
   * on-time events check the bucket of the stream time and the one before.
   */
  void add(String key, long hash, long eventTime, long streamTime) {
    long bucket = bucket(eventTime);
    unwritten.computeIfAbsent(bucket, b -> new HashMap<>()).put(key, eventTime);
    filters.add(bucket, hash, bucket(streamTime) - window);
  }

  /** Writes the ids counted since the last flush, then each changed bucket's size. */
  void flush() {
    if (unwritten.isEmpty()) {
      return;
    }
    List<KeyValue<String, Long>> sizes = new ArrayList<>(unwritten.size());
    unwritten.forEach((bucket, held) -> {
      held.forEach((key, eventTime) -> ids.put(key, eventTime, bucket));
      long size = bucketSizes.merge(bucket, (long) held.size(), Long::sum);
      sizes.add(KeyValue.pair(BUCKET_SIZE_PREFIX + bucket, size));
    });
    unwritten.clear();
    totals.putAll(sizes);
  }

  /**
   * Forgets the buckets that start before {@code cutoff}: their filters and recorded sizes. The
   * store drops their ids itself, with its segments.
   */
  void forgetBefore(long cutoff) {
    filters.forgetBefore(cutoff);
    List<Long> expired = bucketSizes.keySet().stream().filter(bucket -> bucket < cutoff).toList();
    expired.forEach(bucket -> {
      bucketSizes.remove(bucket);
      totals.delete(BUCKET_SIZE_PREFIX + bucket);
    });
  }
}
