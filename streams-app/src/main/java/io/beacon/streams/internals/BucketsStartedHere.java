package io.beacon.streams.internals;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;

/**
 * Buckets whose every product count in the store is also held: a product count of one of them
 * that is not held is zero, and its store read, which would miss, is skipped. Under live traffic
 * nearly every product's first event in a minute (and hour, and day) is such a read, and a miss
 * probes every memtable and SST file of the store; with 10M keys in state they took most of the
 * stream thread (BENCHMARKS.md, Memory and restore).
 *
 * <p>A bucket qualifies when its advertiser count was not held and the store had none: the
 * processor writes an advertiser's bucket count in the same flush as its products' counts, so the
 * store then holds no product count of that bucket either. It stops qualifying when the held
 * product counts let go of one of its products (that count is now only in the store). Expiry
 * deletes product counts before their bucket's, and a task starts afresh after a restore or
 * rollback, so both forget every bucket.
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
