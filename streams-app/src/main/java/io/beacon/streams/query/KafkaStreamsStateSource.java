package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.streams.Counts;
import io.beacon.streams.StoreNames;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the stores of a running {@link KafkaStreams} through interactive queries. An advertiser's
 * counts are on the partition its id hashes to (the events topic is keyed by advertiser id); when
 * another instance holds that partition the answer says which, so the caller can forward.
 */
public final class KafkaStreamsStateSource implements AdvertiserState.Source {

  private final KafkaStreams streams;
  /** This instance's {@code application.server}, or null when it runs alone. */
  private final HostInfo self;

  public KafkaStreamsStateSource(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  @Override
  public QueryResult<AdvertiserState> forAdvertiser(String advertiserId) {
    if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
      return new QueryResult.NotReady<>("Kafka Streams is " + streams.state());
    }
    if (self == null) {
      // Alone, this instance holds every partition, and the key metadata is not kept without
      // application.server: read across the local partitions, of which only the key's has rows.
      return local(advertiserId, null);
    }
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(StoreNames.PRODUCT_COUNTS, advertiserId, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      return new QueryResult.NotReady<>("partition metadata not available yet: " + e.getMessage());
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
      return new QueryResult.NotReady<>("no instance owns the partition of advertiser " + advertiserId + " yet");
    }
    HostInfo active = metadata.activeHost();
    if (!self.equals(active)) {
      return new QueryResult.Elsewhere<>(active.host(), active.port());
    }
    return local(advertiserId, metadata.partition());
  }

  private QueryResult<AdvertiserState> local(String advertiserId, Integer partition) {
    try {
      return new QueryResult.Found<>(new AdvertiserState(
          this.<Bytes, Counts>store(StoreNames.PRODUCT_COUNTS, partition),
          this.<Bytes, Counts>store(StoreNames.ADVERTISER_COUNTS, partition),
          this.<String, Long>store(StoreNames.COUNTED_ADVERTISERS, partition)));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>("the state of advertiser " + advertiserId + " is not queryable here yet: " + e.getMessage());
    }
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers() {
    try {
      return new QueryResult.Found<>(streams.store(
          StoreQueryParameters.fromNameAndType(StoreNames.ADVERTISERS, QueryableStoreTypes.<String, Advertiser>keyValueStore())));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>("the advertisers table is not queryable yet: " + e.getMessage());
    }
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Long>> localTotals() {
    try {
      return new QueryResult.Found<>(streams.store(
          StoreQueryParameters.fromNameAndType(StoreNames.EVENT_TOTALS, QueryableStoreTypes.<String, Long>keyValueStore())));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>("event totals are not queryable yet: " + e.getMessage());
    }
  }

  /** The store on one partition, or across all local partitions when {@code partition} is null. */
  private <K, V> ReadOnlyKeyValueStore<K, V> store(String name, Integer partition) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore())
        .withPartition(partition));
  }
}
