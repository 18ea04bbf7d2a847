package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import io.beacon.streams.Counts;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The read-only stores that hold one advertiser's counts, on the instance that answers. */
public record AdvertiserState(
    ReadOnlyKeyValueStore<Bytes, Counts> productCounts,
    ReadOnlyKeyValueStore<Bytes, Counts> advertiserCounts,
    ReadOnlyKeyValueStore<String, Long> countedAdvertisers) {

  /** Where the stores come from: Kafka Streams' interactive queries, or a test driver. */
  public interface Source {
    /** The stores holding this advertiser's partition, or why they cannot be read here. */
    QueryResult<AdvertiserState> forAdvertiser(String advertiserId);

    /** The advertisers global table. */
    QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers();

    /** The products global table (the catalog). */
    QueryResult<ReadOnlyKeyValueStore<String, Product>> catalog();

    /** Totals by key over every partition this instance holds. */
    QueryResult<ReadOnlyKeyValueStore<String, Long>> localTotals();

    /** The time of each advertiser's newest counted event, over every partition this instance holds. */
    QueryResult<ReadOnlyKeyValueStore<String, Long>> localCountedAdvertisers();
  }
}
