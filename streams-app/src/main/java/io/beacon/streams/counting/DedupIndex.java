package io.beacon.streams.counting;

import io.beacon.streams.ProcessingListener;
import java.time.Instant;
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
 * <p>The store keeps ids as long as any count bucket can take an event of their time, so that a
 * backfill is checked against them, but only the buckets live events reach (the live reach back
 * from stream time) have filters: an older bucket, which only a backfilled event checks, is read.
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
  private final long liveReach;
  private final long maxClockSkew;
  private final WindowStore<String, Long> ids;
  private final KeyValueStore<String, Long> totals;
  private final SeenIdFilters filters;
  private final ProcessingListener listener;
  /** Ids counted since the last flush, by bucket start, with their event times. */
  private final Map<Long, Map<String, Long>> unwritten = new HashMap<>();
  /** Ids each filtered bucket holds, stored or unwritten, as the totals store records them after a flush. */
  private final Map<Long, Long> bucketSizes = new HashMap<>();
  /** The first bucket with a filter (and a recorded size); every older one is read from the store. */
  private long filteredFrom = Long.MIN_VALUE;

  /**
   * @param window the dedup window, also the size of a bucket
   * @param liveReach how far back from stream time live events' checks reach: the span with filters
   * @param maxClockSkew how far in the future an event may be stamped and still count
   */
  DedupIndex(long window, long liveReach, long maxClockSkew, WindowStore<String, Long> ids,
      KeyValueStore<String, Long> totals, SeenIdFilters filters, ProcessingListener listener) {
    this.window = window;
    this.liveReach = liveReach;
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
   * Fills the filters of the live reach from the store, which Kafka Streams has restored, rolled
   * back or left as it was by the time it initialises the processor, and checks each bucket
   * against its recorded size.
   *
   * @param streamTime the task's stream time, or a negative number when it is not known
   */
  void open(TaskId task, long streamTime) {
    long started = System.nanoTime();
    try (KeyValueIterator<String, Long> recorded = totals.prefixScan(BUCKET_SIZE_PREFIX, new StringSerializer())) {
      recorded.forEachRemaining(size -> bucketSizes.put(Long.parseLong(size.key.substring(BUCKET_SIZE_PREFIX.length())), size.value));
    }
    long newest = Math.max(bucketSizes.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE),
        streamTime < 0 ? Long.MIN_VALUE : bucket(streamTime));
    // Without a recorded size or a stream time (an empty store, or one an older version wrote),
    // every bucket is filled, and checked.
    filteredFrom = newest == Long.MIN_VALUE ? Long.MIN_VALUE : bucket(newest - liveReach);
    boolean hasSegment;
    try (KeyValueIterator<Windowed<String>, Long> any = ids.all()) {
      hasSegment = any.hasNext();
    }
    if (!hasSegment) {
      // Window start 0: the first id stored expires this segment.
      ids.put(SEGMENT_KEEPER, 0L, 0L);
    }
    Map<Long, Long> found = new TreeMap<>();
    try (KeyValueIterator<Windowed<String>, Long> stored = filteredFrom == Long.MIN_VALUE ? ids.all()
        : ids.fetchAll(Instant.ofEpochMilli(filteredFrom), Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      while (stored.hasNext()) {
        Windowed<String> id = stored.next().key;
        if (!id.key().equals(SEGMENT_KEEPER)) {
          // The store gives its segments oldest first: when the budget runs short, the newest
          // buckets keep their filters.
          filters.add(id.window().start(), BlockedBloomFilter.hash(id.key()), Long.MAX_VALUE);
          found.merge(id.window().start(), 1L, Long::sum);
        }
      }
    }
    forgetUnfilteredSizes();
    List<String> unverified = distrustIncompleteBuckets(found);
    long idCount = found.values().stream().mapToLong(Long::longValue).sum();
    LOG.atInfo().addKeyValue("task", task).log("dedup filters filled from {} stored event ids in {} buckets from {} in {} ms"
        + " ({} KiB); {} buckets unverified", idCount, found.size(), filteredFrom == Long.MIN_VALUE ? "the first"
        : Instant.ofEpochMilli(filteredFrom), (System.nanoTime() - started) / 1_000_000, filters.bytes() / 1024, unverified.size());
    if (!unverified.isEmpty()) {
      LOG.atWarn().addKeyValue("task", task).log("dedup buckets whose stored ids do not match the recorded count: {}."
          + " Their dedup checks read RocksDB (beacon_dedup_unfiltered_checks_total) until they expire", unverified);
    }
  }

  /** Distrusts every filtered bucket whose ids found in the store differ from its recorded size; what each was, for the log. */
  private List<String> distrustIncompleteBuckets(Map<Long, Long> found) {
    TreeMap<Long, Long> buckets = new TreeMap<>(found);
    bucketSizes.keySet().forEach(bucket -> buckets.putIfAbsent(bucket, 0L));
    List<String> unverified = new ArrayList<>();
    buckets.forEach((bucket, stored) -> {
      long recorded = bucketSizes.getOrDefault(bucket, 0L);
      if (stored != recorded) {
        filters.distrust(bucket);
        unverified.add(Instant.ofEpochMilli(bucket) + " (" + stored + " stored, " + recorded + " recorded)");
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
      boolean filtered = start >= filteredFrom;
      if (filtered && !filters.mightContain(start, hash)) {
        continue;
      }
      Map<String, Long> held = unwritten.get(start);
      Long seenAt = held == null ? null : held.get(key);
      if (seenAt == null) {
        if (filtered && !filters.complete(start)) {
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
    if (bucket >= filteredFrom) {
      filters.add(bucket, hash, bucket(streamTime) - window);
    }
  }

  /** Writes the ids counted since the last flush, then each changed bucket's size. */
  void flush() {
    if (unwritten.isEmpty()) {
      return;
    }
    List<KeyValue<String, Long>> sizes = new ArrayList<>(unwritten.size());
    unwritten.forEach((bucket, held) -> {
      held.forEach((key, eventTime) -> ids.put(key, eventTime, bucket));
      if (bucket >= filteredFrom) {
        long size = bucketSizes.merge(bucket, (long) held.size(), Long::sum);
        sizes.add(KeyValue.pair(BUCKET_SIZE_PREFIX + bucket, size));
      }
    });
    unwritten.clear();
    if (!sizes.isEmpty()) {
      totals.putAll(sizes);
    }
  }

  /**
   * Moves the live reach up to {@code streamTime}: older buckets lose their filters and recorded
   * sizes, and are read from the store from now on. The store drops their ids itself, with its
   * segments, once no count bucket can take an event of their time.
   */
  void advance(long streamTime) {
    filteredFrom = Math.max(filteredFrom, bucket(streamTime - liveReach));
    filters.forgetBefore(filteredFrom);
    forgetUnfilteredSizes();
  }

  /** Deletes the recorded sizes of buckets older than the filtered ones: nothing checks them. */
  private void forgetUnfilteredSizes() {
    List<Long> unfiltered = bucketSizes.keySet().stream().filter(bucket -> bucket < filteredFrom).toList();
    unfiltered.forEach(bucket -> {
      bucketSizes.remove(bucket);
      totals.delete(BUCKET_SIZE_PREFIX + bucket);
    });
  }
}
