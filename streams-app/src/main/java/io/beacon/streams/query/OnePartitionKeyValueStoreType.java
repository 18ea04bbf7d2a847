package io.beacon.streams.query;

import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * Gives the store of one task itself, looked up once, where {@link
 * org.apache.kafka.streams.state.QueryableStoreTypes#keyValueStore()} gives a view that looks the
 * store up again (a lock and a copy of every task of the thread) on each read. Asked with {@code
 * withPartition}, so there is one store. Only plain key-value stores are accepted: a timestamped
 * one would need Kafka Streams' facade, which it adds only for its own store types.
 */
final class OnePartitionKeyValueStoreType<K, V> implements QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {

  @Override
  public boolean accepts(StateStore store) {
    return store instanceof ReadOnlyKeyValueStore && !(store instanceof TimestampedKeyValueStore);
  }

  @Override
  public ReadOnlyKeyValueStore<K, V> create(StateStoreProvider provider, String storeName) {
    // Throws InvalidStateStoreException when this instance has no such partition (readable now).
    List<ReadOnlyKeyValueStore<K, V>> stores = provider.stores(storeName, this);
    return stores.get(0);
  }
}
