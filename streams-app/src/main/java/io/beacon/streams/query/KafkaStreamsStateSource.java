package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.streams.Counts;
import io.beacon.streams.StoreNames;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the stores of a running {@link KafkaStreams} through interactive queries. An advertiser's
 * counts are on the partition its id hashes to (the events topic is keyed by advertiser id); when
 * another instance holds that partition the answer says which, so the caller can forward.
 *
 * <p>By default only the active, up-to-date copy answers. {@link #anyLocalCopy()} gives a view that
 * also answers from a standby copy on this instance (KIP-535), which may lag behind: callers use
 * it while the active copy is restoring or its instance is gone, and report {@link #lag(String)}.
 */
public final class KafkaStreamsStateSource implements AdvertiserState.Source {

  private final KafkaStreams streams;
  /** This instance's {@code application.server}. */
  private final HostInfo self;
  private final boolean staleAllowed;
  private final LongSupplier stateChanges;
  private final LagCache lagCache;
  private final StateScopedCache<String, Placement> placements;
  /** This view's stores, by name and partition: the active view and the any-copy view keep their own. */
  private final StateScopedCache<PartitionStore, ReadOnlyKeyValueStore<?, ?>> stores;

  private static final long LAG_REFRESH_NANOS = 1_000_000_000L;
  private static final int MAX_REMEMBERED_PLACEMENTS = 100_000;
  /** More than the stores of every partition of a topic can have. */
  private static final int MAX_REMEMBERED_STORES = 10_000;

  private record PartitionStore(String name, int partition) {}

  /** The last lags fetched, shared by the active-only and any-copy views of one instance. */
  private static final class LagCache {
    Map<Integer, LagInfo> lags = Map.of();
    long fetchedAt;
  }

  /**
   * @param stateChanges how many state changes {@code streams} has made (counted by its state
   *     listener): placements are remembered until the next one
   */
  public KafkaStreamsStateSource(KafkaStreams streams, HostInfo self, LongSupplier stateChanges) {
    this(streams, self, false, new LagCache(), stateChanges, new StateScopedCache<>(stateChanges, MAX_REMEMBERED_PLACEMENTS));
  }

  private KafkaStreamsStateSource(KafkaStreams streams, HostInfo self, boolean staleAllowed, LagCache lagCache,
      LongSupplier stateChanges, StateScopedCache<String, Placement> placements) {
    this.streams = streams;
    this.self = self;
    this.staleAllowed = staleAllowed;
    this.lagCache = lagCache;
    this.stateChanges = stateChanges;
    this.placements = placements;
    this.stores = new StateScopedCache<>(stateChanges, MAX_REMEMBERED_STORES);
  }

  /** The same stores, read from an active or a standby copy on this instance. */
  public KafkaStreamsStateSource anyLocalCopy() {
    return new KafkaStreamsStateSource(streams, self, true, lagCache, stateChanges, placements);
  }

  /** Where the advertiser's partition lives now, or empty while no instance owns it. */
  public Optional<Placement> placement(String advertiserId) {
    return placements.get(advertiserId, running(), this::lookUpPlacement);
  }

  private Optional<Placement> lookUpPlacement(String advertiserId) {
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(StoreNames.PRODUCT_COUNTS, advertiserId, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
      return Optional.empty();
    }
    return Optional.of(new Placement(metadata.partition(), address(metadata.activeHost()),
        metadata.standbyHosts().stream().map(KafkaStreamsStateSource::address).sorted().toList()));
  }

  /**
   * Records the local copy of the advertiser's partition is behind its changelog, or -1 when that
   * cannot be known now. Lags come from the brokers, so they are fetched at most once a second.
   */
  public long lag(String advertiserId) {
    Optional<Placement> placement = placement(advertiserId);
    if (placement.isEmpty()) {
      return -1;
    }
    Map<Integer, LagInfo> lags = lags();
    LagInfo lag = lags.get(placement.get().partition());
    return lag == null ? -1 : Math.max(0, lag.offsetLag());
  }

  private Map<Integer, LagInfo> lags() {
    synchronized (lagCache) {
      long now = System.nanoTime();
      if (lagCache.fetchedAt == 0 || now - lagCache.fetchedAt > LAG_REFRESH_NANOS) {
        try {
          lagCache.lags = streams.allLocalStorePartitionLags().getOrDefault(StoreNames.PRODUCT_COUNTS, Map.of());
        } catch (StreamsException e) {
          lagCache.lags = Map.of(); // the brokers did not say: lags unknown until the next try
        }
        lagCache.fetchedAt = now;
      }
      return lagCache.lags;
    }
  }

  @Override
  public QueryResult<AdvertiserState> forAdvertiser(String advertiserId) {
    if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
      return new QueryResult.NotReady<>("Kafka Streams is " + streams.state());
    }
    Optional<Placement> placement = placement(advertiserId);
    if (placement.isEmpty()) {
      return new QueryResult.NotReady<>("no instance owns the partition of advertiser " + advertiserId + " yet");
    }
    String me = address(self);
    Placement where = placement.get();
    boolean here = where.active().equals(me) || (staleAllowed && where.standbys().contains(me));
    if (!here) {
      return new QueryResult.Elsewhere<>(where.active(), where.standbys());
    }
    return local(advertiserId, where.partition());
  }

  private QueryResult<AdvertiserState> local(String advertiserId, int partition) {
    try {
      return new QueryResult.Found<>(new AdvertiserState(
          this.<Bytes, Counts>store(StoreNames.PRODUCT_COUNTS, partition),
          this.<Bytes, Counts>store(StoreNames.ADVERTISER_COUNTS, partition),
          this.<String, Long>store(StoreNames.COUNTED_ADVERTISERS, partition),
          this.<String, Long>store(StoreNames.EVENT_TOTALS, partition),
          this.<String, byte[]>store(StoreNames.USER_HISTORIES, partition),
          this.<String, byte[]>store(StoreNames.COOCCURRENCES, partition)));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>("the state of advertiser " + advertiserId + " is not queryable here yet: " + e.getMessage());
    }
  }

  static String address(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers() {
    return globalTable(StoreNames.ADVERTISERS, "the advertisers table");
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Product>> catalog() {
    return globalTable(StoreNames.CATALOG, "the catalog");
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models() {
    return globalTable(StoreNames.MODELS, "the model versions");
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, ChampionPin>> modelPins() {
    return globalTable(StoreNames.MODEL_PINS, "the champion pin");
  }

  /** A global table's store: every instance holds it whole. */
  private <V> QueryResult<ReadOnlyKeyValueStore<String, V>> globalTable(String storeName, String what) {
    try {
      return new QueryResult.Found<>(streams.store(
          StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore())));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>(what + " is not queryable yet: " + e.getMessage());
    }
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Long>> localTotals() {
    return allLocal(StoreNames.EVENT_TOTALS, "event totals");
  }

  @Override
  public QueryResult<ReadOnlyKeyValueStore<String, Long>> localCountedAdvertisers() {
    return allLocal(StoreNames.COUNTED_ADVERTISERS, "counted advertisers");
  }

  private QueryResult<ReadOnlyKeyValueStore<String, Long>> allLocal(String storeName, String what) {
    if (streams.state() == KafkaStreams.State.RUNNING
        && streams.metadataForLocalThreads().stream().allMatch(thread -> thread.activeTasks().isEmpty())) {
      return new QueryResult.Found<>(new EmptyStore<>());
    }
    try {
      return new QueryResult.Found<>(streams.store(
          StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, Long>keyValueStore())));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>(what + " are not queryable yet: " + e.getMessage());
    }
  }

  /** The store on one partition. */
  @SuppressWarnings("unchecked")
  private <K, V> ReadOnlyKeyValueStore<K, V> store(String name, int partition) {
    return (ReadOnlyKeyValueStore<K, V>) stores.get(new PartitionStore(name, partition), running(),
        key -> Optional.of(streams.store(parameters(name, new OnePartitionKeyValueStoreType<K, V>()).withPartition(partition))))
        .orElseThrow();
  }

  private <T> StoreQueryParameters<T> parameters(String name, QueryableStoreType<T> type) {
    StoreQueryParameters<T> parameters = StoreQueryParameters.fromNameAndType(name, type);
    return staleAllowed ? parameters.enableStaleStores() : parameters;
  }

  private boolean running() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }
}
