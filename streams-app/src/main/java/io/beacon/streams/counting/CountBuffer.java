package io.beacon.streams.counting;

import io.beacon.avro.AdEvent;
import io.beacon.streams.Counts;
import io.beacon.streams.Resolution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a task counts, held in memory between flushes: per event, a count per resolution for the
 * product and for the advertiser, the advertiser's latest event time, and the totals. Each value
 * is read from its store once, changed in memory, and written at {@link #flush()}: a count many
 * events change costs one store write and one changelog record. Nothing is written between
 * flushes, so that the ids of the events counted, written after the flush, never get ahead of
 * what they guard (package documentation, invariant 2).
 *
 * <p>Made anew at every task start, so it holds nothing the stores do not (package documentation,
 * invariant 3).
 */
final class CountBuffer {

  private final HeldCounts productCounts;
  private final HeldCounts advertiserCounts;
  /** Buckets a product count of which, when not held, is known to be zero: no store read. */
  private final BucketsStartedHere bucketsStartedHere = new BucketsStartedHere();
  private final KeyValueStore<String, Long> countedAdvertisers;
  private final KeyValueStore<String, Long> totals;
  /** The latest event time per advertiser, read once from the store and held like the counts. */
  private final Map<String, Long> latestEventTimes = new HashMap<>();
  private final Set<String> changedAdvertisers = new HashSet<>();
  private final Map<String, Long> heldTotals = new HashMap<>();
  private final Set<String> changedTotals = new HashSet<>();

  CountBuffer(KeyValueStore<Bytes, Counts> productStore, KeyValueStore<Bytes, Counts> advertiserStore,
      KeyValueStore<String, Long> countedAdvertisers, KeyValueStore<String, Long> totals, TaskMemoryBudget budget) {
    this.productCounts = new HeldCounts(productStore, budget::heldCountsPerTask, bucketsStartedHere::productLetGo);
    this.advertiserCounts = new HeldCounts(advertiserStore, budget::heldCountsPerTask);
    this.countedAdvertisers = countedAdvertisers;
    this.totals = totals;
  }

  /**
   * Counts the event in its bucket of every resolution that still keeps it at {@code streamTime},
   * for its product and its advertiser.
   */
  void count(AdEvent event, long eventTime, long streamTime) {
    String advertiserId = event.getAdvertiserId();
    for (Resolution resolution : Resolution.values()) {
      long bucket = resolution.bucketStart(eventTime);
      if (bucket < resolution.oldestKept(streamTime)) {
        continue; // expired, or about to be: a backfilled event older than this resolution's retention
      }
      Bytes bucketKey = CountKeys.bucket(advertiserId, resolution, bucket);
      if (advertiserCounts.add(bucketKey, event.getType())) {
        bucketsStartedHere.started(bucketKey);
      }
      productCounts.add(CountKeys.product(advertiserId, resolution, bucket, event.getProductId()), event.getType(),
          bucketsStartedHere.allHeld(bucketKey));
    }
    // Kept at second precision, what the last-event gauge shows: at most one write per second per
    // advertiser.
    Long latest = latestEventTimes.computeIfAbsent(advertiserId, countedAdvertisers::get);
    if (latest == null || latest / 1000 < eventTime / 1000) {
      latestEventTimes.put(advertiserId, eventTime);
      changedAdvertisers.add(advertiserId);
    }
  }

  /** Sets the total under {@code key} to {@code value}, when that changes it. */
  void set(String key, long value) {
    Long current = heldTotals.computeIfAbsent(key, totals::get);
    if (current == null || current != value) {
      heldTotals.put(key, value);
      changedTotals.add(key);
    }
  }

  /** Adds one to the total under {@code key}. */
  void increment(String key) {
    Long current = heldTotals.computeIfAbsent(key, totals::get);
    heldTotals.put(key, current == null ? 1L : current + 1);
    changedTotals.add(key);
  }

  /**
   * Writes the held counts to the count stores, products first: a query that reads an
   * advertiser's count and then its products' must find at least what the advertiser's count
   * holds (ProductSums relies on it; invariant 6). Then the changed totals.
   */
  void flush() {
    productCounts.flush();
    advertiserCounts.flush();
    write(countedAdvertisers, changedAdvertisers, latestEventTimes);
    write(totals, changedTotals, heldTotals);
  }

  /** Writes the changed keys' held values to the store in one batch. */
  private static void write(KeyValueStore<String, Long> store, Set<String> changed, Map<String, Long> held) {
    if (!changed.isEmpty()) {
      List<KeyValue<String, Long>> writes = new ArrayList<>(changed.size());
      changed.forEach(key -> writes.add(KeyValue.pair(key, held.get(key))));
      changed.clear();
      store.putAll(writes);
    }
  }

  /**
   * Forgets every held count and mirrored value, after a {@link #flush()}: expiry is about to
   * delete buckets and advertisers behind them, and what is read next must come from the stores.
   */
  void forgetHeld() {
    productCounts.clear();
    advertiserCounts.clear();
    bucketsStartedHere.clear();
    latestEventTimes.clear();
  }
}
