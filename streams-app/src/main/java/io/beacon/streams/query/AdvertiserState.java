package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.streams.Counts;
import io.beacon.streams.Resolution;
import io.beacon.streams.counting.CountKeys;
import io.beacon.streams.counting.EventCountingProcessor;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The read-only stores that hold one advertiser's counts, on the instance that answers. */
public record AdvertiserState(
    ReadOnlyKeyValueStore<Bytes, Counts> productCounts,
    ReadOnlyKeyValueStore<Bytes, Counts> advertiserCounts,
    ReadOnlyKeyValueStore<String, Long> countedAdvertisers,
    ReadOnlyKeyValueStore<String, Long> totals,
    ReadOnlyKeyValueStore<String, byte[]> userHistories,
    ReadOnlyKeyValueStore<String, byte[]> cooccurrences) {

  /**
   * The stream time of the advertiser's partition as of the last write of its counts: events
   * older than it minus the grace period are rejected LATE. {@link Long#MIN_VALUE} before the
   * first.
   */
  public long streamTime() {
    Long streamTime = totals.get(EventCountingProcessor.STREAM_TIME);
    return streamTime == null ? Long.MIN_VALUE : streamTime;
  }

  /** The advertiser's own counts in buckets {@code first..last} (bucket starts) of one resolution, oldest first. */
  public void advertiserBuckets(String advertiserId, Resolution r, long first, long last, BiConsumer<Bytes, Counts> each) {
    scan(advertiserCounts, CountKeys.bucket(advertiserId, r, first), CountKeys.bucket(advertiserId, r, last), each);
  }

  /** Every product's counts in buckets {@code first..last} of one resolution, by bucket, then product. */
  public void productBuckets(String advertiserId, Resolution r, long first, long last, BiConsumer<Bytes, Counts> each) {
    // The upper bound is the (empty) bucket key after the last bucket: it sorts after every
    // product of the last bucket and exists in no store.
    scan(productCounts, CountKeys.bucket(advertiserId, r, first), CountKeys.bucket(advertiserId, r, last + r.sizeMs()), each);
  }

  private static void scan(ReadOnlyKeyValueStore<Bytes, Counts> store, Bytes from, Bytes to, BiConsumer<Bytes, Counts> each) {
    try (KeyValueIterator<Bytes, Counts> range = store.range(from, to)) {
      while (range.hasNext()) {
        KeyValue<Bytes, Counts> entry = range.next();
        each.accept(entry.key, entry.value);
      }
    }
  }

  /** Where the stores come from: Kafka Streams' interactive queries, or a test driver. */
  public interface Source {
    /** The stores holding this advertiser's partition, or why they cannot be read here. */
    QueryResult<AdvertiserState> forAdvertiser(String advertiserId);

    /** The advertisers global table. */
    QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers();

    /** The products global table (the catalog). */
    QueryResult<ReadOnlyKeyValueStore<String, Product>> catalog();

    /** The models global table: every version of every click-prediction model. */
    QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models();

    /** The model-pins global table: the pinned champion, if any. */
    QueryResult<ReadOnlyKeyValueStore<String, ChampionPin>> modelPins();

    /** Totals by key over every partition this instance holds. */
    QueryResult<ReadOnlyKeyValueStore<String, Long>> localTotals();

    /** The time of each advertiser's newest counted event, over every partition this instance holds. */
    QueryResult<ReadOnlyKeyValueStore<String, Long>> localCountedAdvertisers();
  }
}
