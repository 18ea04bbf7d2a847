package io.beacon.streams.query;

import io.beacon.streams.Counts;
import io.beacon.streams.Resolution;
import io.beacon.streams.counting.CountKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * An advertiser's counts per product over a window, summed in chunks that are kept between
 * queries. A window's runs of buckets are cut where the next coarser bucket ends (minutes by the
 * hour, hours by the day), so new events only make the newest chunk stale, and a 30-day window
 * re-reads the current hour instead of 30 days of (day, product) counts.
 *
 * <p>A kept chunk is reused while the advertiser's own counts that cover it are unchanged (a
 * {@link Snapshot}): for a chunk of minutes, the advertiser's count of the hour that holds them;
 * for a chunk of hours, that of the day; for days, the count of each day. That check is exact:
 * every counted event adds to its product's buckets and to the advertiser's minute, hour and day
 * in the same flush of held counts (products first), and counts only grow, so an unchanged hour
 * means none of its minutes changed. Counts shrink only when expiry deletes buckets, and a coarser bucket outlives its finer
 * ones, so chunks within reach of expiry are checked bucket by bucket instead; restores and
 * rollbacks change every store alike. The check is one read per chunk instead of one per bucket
 * and product (BENCHMARKS.md).
 */
final class ProductSums {

  /**
   * Products kept across all chunks before they are all dropped (about 100 bytes each): bounds
   * the heap whatever the number of advertisers, windows and minutes queried.
   */
  static final long MAX_KEPT_PRODUCTS = 1_000_000;

  /** Buckets {@code firstBucket..lastBucket} of one advertiser at one resolution. */
  record Chunk(String advertiserId, Resolution resolution, long firstBucket, long lastBucket) {}

  /**
   * A window's chunks with the advertiser's counts covering each, as read at one moment:
   * equal snapshots have equal counts per product.
   */
  record Snapshot(List<Chunk> chunks, List<List<KeyValue<Bytes, Counts>>> advertiserCounts) {}

  private record Kept(List<KeyValue<Bytes, Counts>> advertiserCounts, Map<String, Counts> byProduct) {}

  private final Map<Chunk, Kept> kept = new ConcurrentHashMap<>();
  private long keptProducts;
  /**
   * How far stream time, by which expiry deletes buckets, may run ahead of the wall clock: events
   * up to the allowed clock skew in the future advance it.
   */
  private final long expiryLeadMs;

  ProductSums(Duration maxClockSkew) {
    this.expiryLeadMs = maxClockSkew.toMillis();
  }

  /** The plan's chunks and the advertiser's counts covering each, read at {@code now}. */
  Snapshot snapshot(AdvertiserState state, String advertiserId, WindowPlan plan, long now) {
    List<Chunk> chunks = new ArrayList<>();
    List<List<KeyValue<Bytes, Counts>>> advertiserCounts = new ArrayList<>();
    for (WindowPlan.Run run : plan.runs()) {
      Resolution r = run.resolution();
      long first = run.firstBucket();
      while (first <= run.lastBucket()) {
        long last = Math.min(run.lastBucket(), lastOfCoarserBucket(r, first));
        Chunk chunk = new Chunk(advertiserId, r, first, last);
        chunks.add(chunk);
        advertiserCounts.add(covering(state, chunk, now));
        first = last + r.sizeMs();
      }
    }
    return new Snapshot(List.copyOf(chunks), List.copyOf(advertiserCounts));
  }

  /**
   * Counts per product over the snapshot's chunks, at least as new as the snapshot; the map must
   * not be modified.
   */
  Map<String, Counts> byProduct(AdvertiserState state, Snapshot snapshot) {
    List<Map<String, Counts>> parts = new ArrayList<>();
    for (int i = 0; i < snapshot.chunks().size(); i++) {
      parts.add(sum(state, snapshot.chunks().get(i), snapshot.advertiserCounts().get(i)));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Map<String, Counts> total = new HashMap<>();
    parts.forEach(part -> part.forEach((product, counts) -> total.merge(product, counts, Counts::plus)));
    return total;
  }

  /** The advertiser's counts that change whenever a product's count in the chunk changes. */
  private List<KeyValue<Bytes, Counts>> covering(AdvertiserState state, Chunk chunk, long now) {
    Resolution r = chunk.resolution();
    // Expiry deletes a bucket once stream time passes its retention; stay a bucket clear of that.
    boolean clearOfExpiry = chunk.firstBucket() >= now + expiryLeadMs - r.retentionMs() + r.sizeMs();
    Optional<Resolution> coarser = r.coarser();
    if (coarser.isPresent() && clearOfExpiry) {
      Bytes key = CountKeys.bucket(chunk.advertiserId(), coarser.get(), coarser.get().bucketStart(chunk.firstBucket()));
      return List.of(KeyValue.pair(key, state.advertiserCounts().get(key)));
    }
    List<KeyValue<Bytes, Counts>> counts = new ArrayList<>();
    state.advertiserBuckets(chunk.advertiserId(), r, chunk.firstBucket(), chunk.lastBucket(),
        (key, value) -> counts.add(KeyValue.pair(key, value)));
    return counts;
  }

  /** The last bucket of {@code r} inside the next coarser bucket that holds {@code bucket}. */
  private static long lastOfCoarserBucket(Resolution r, long bucket) {
    return r.coarser()
        .map(coarser -> coarser.bucketStart(bucket) + coarser.sizeMs() - r.sizeMs())
        .orElse(Long.MAX_VALUE); // days are the coarsest: a run of days is one chunk
  }

  private Map<String, Counts> sum(AdvertiserState state, Chunk chunk, List<KeyValue<Bytes, Counts>> advertiserCounts) {
    Kept known = kept.get(chunk);
    if (known != null && known.advertiserCounts().equals(advertiserCounts)) {
      return known.byProduct();
    }
    // Read after the advertiser's counts, so the sums hold at least what they counted.
    Map<String, Counts> byProduct = new HashMap<>();
    state.productBuckets(chunk.advertiserId(), chunk.resolution(), chunk.firstBucket(), chunk.lastBucket(),
        (key, counts) -> byProduct.merge(CountKeys.productId(key), counts, Counts::plus));
    Map<String, Counts> sums = Collections.unmodifiableMap(byProduct);
    keep(chunk, new Kept(advertiserCounts, sums));
    return sums;
  }

  private synchronized void keep(Chunk chunk, Kept sums) {
    if (keptProducts + sums.byProduct().size() > MAX_KEPT_PRODUCTS) {
      kept.clear();
      keptProducts = 0;
    }
    Kept replaced = kept.put(chunk, sums);
    keptProducts += sums.byProduct().size() - (replaced == null ? 0 : replaced.byProduct().size());
  }
}
