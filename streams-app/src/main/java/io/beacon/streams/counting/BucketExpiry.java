package io.beacon.streams.counting;

import io.beacon.streams.Counts;
import io.beacon.streams.Resolution;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes count buckets older than their resolution's retention, and forgets advertisers with no
 * event for longer than the longest retention. Measured back from stream time, so a replay of old
 * traffic keeps its counts.
 */
final class BucketExpiry {

  private final KeyValueStore<Bytes, Counts> productCounts;
  private final KeyValueStore<Bytes, Counts> advertiserCounts;
  private final KeyValueStore<String, Long> countedAdvertisers;

  BucketExpiry(KeyValueStore<Bytes, Counts> productCounts, KeyValueStore<Bytes, Counts> advertiserCounts,
      KeyValueStore<String, Long> countedAdvertisers) {
    this.productCounts = productCounts;
    this.advertiserCounts = advertiserCounts;
    this.countedAdvertisers = countedAdvertisers;
  }

  void expire(long streamTime) {
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = countedAdvertisers.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> advertiser = all.next();
        for (Resolution resolution : Resolution.values()) {
          long oldestKept = resolution.oldestKept(streamTime);
          if (oldestKept > 0) {
            deleteBefore(productCounts, advertiser.key, resolution, oldestKept);
            deleteBefore(advertiserCounts, advertiser.key, resolution, oldestKept);
          }
        }
        if (advertiser.value < streamTime - Resolution.longestRetentionMs()) {
          idle.add(advertiser.key);
        }
      }
    }
    idle.forEach(countedAdvertisers::delete);
  }

  /** Deletes the advertiser's buckets of one resolution that start before {@code oldestKept}, a bucket start. */
  private static void deleteBefore(KeyValueStore<Bytes, Counts> store, String advertiser, Resolution resolution, long oldestKept) {
    List<Bytes> expired = new ArrayList<>();
    // The upper bound is the oldest kept bucket's own key, which sorts before every product of it.
    try (KeyValueIterator<Bytes, Counts> range = store.range(
        CountKeys.bucket(advertiser, resolution, 0), CountKeys.bucket(advertiser, resolution, oldestKept))) {
      while (range.hasNext()) {
        Bytes key = range.next().key;
        if (CountKeys.bucketStart(key) < oldestKept) {
          expired.add(key);
        }
      }
    }
    expired.forEach(store::delete);
  }
}
