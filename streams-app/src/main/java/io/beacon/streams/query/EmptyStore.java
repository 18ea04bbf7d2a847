package io.beacon.streams.query;

import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of an instance that holds no active partition right now (all its tasks are standbys
 * or warming up): it has counted nothing of its own, which is an answer, not an error.
 */
final class EmptyStore<K, V> implements ReadOnlyKeyValueStore<K, V> {

  @Override
  public V get(K key) {
    return null;
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    return new Empty<>();
  }

  @Override
  public KeyValueIterator<K, V> all() {
    return new Empty<>();
  }

  @Override
  public long approximateNumEntries() {
    return 0;
  }

  private static final class Empty<K, V> implements KeyValueIterator<K, V> {
    @Override
    public boolean hasNext() {
      return false;
    }

    @Override
    public KeyValue<K, V> next() {
      throw new NoSuchElementException();
    }

    @Override
    public K peekNextKey() {
      throw new NoSuchElementException();
    }

    @Override
    public void close() {
    }
  }
}
