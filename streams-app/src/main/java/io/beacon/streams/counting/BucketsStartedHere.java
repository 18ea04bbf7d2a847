package io.beacon.streams.counting;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;

/**
 * Buckets whose every product count in the store is also held: a product count of one of them
 * that is not held is zero, and its store read, which would miss, is skipped. Under live traffic
 * nearly every product's first event in a minute is such a read, and a miss probes the memtables
 * and SST files of the store: 16% of the stream thread with 10M keys in state (BENCHMARKS.md,
 * Processing).
 *
 * <p>A bucket qualifies when its advertiser count was not held and the store had none: the
 * processor writes a bucket's advertiser count in the same flush as its products' counts, so the
 * store then holds no product count of that bucket either. It stops qualifying when the held
 * product counts let go of one of its products (that count is now only in the store). Expiry,
 * which deletes counts behind the held ones, and a task's start (after a restore or a rollback)
 * forget every bucket.
 */
final class BucketsStartedHere {

  private final Set<Bytes> buckets = new HashSet<>();

  /** The bucket under {@code bucketKey} ({@link CountKeys#bucket}) started here: the store held none of its counts. */
  void started(Bytes bucketKey) {
    buckets.add(bucketKey);
  }

  /** Whether the store holds no product count of the bucket that is not also held. */
  boolean allHeld(Bytes bucketKey) {
    return buckets.contains(bucketKey);
  }

  /** The held counts let go of the product count under {@code productKey}: its bucket no longer qualifies. */
  void productLetGo(Bytes productKey) {
    if (!buckets.isEmpty()) {
      buckets.remove(CountKeys.bucketOf(productKey));
    }
  }

  void clear() {
    buckets.clear();
  }
}
