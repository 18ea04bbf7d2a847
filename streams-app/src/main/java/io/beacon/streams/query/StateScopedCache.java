package io.beacon.streams.query;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What interactive queries say about this instance's tasks, kept until Kafka Streams next changes
 * state. Which instance owns a partition, and which store object a local task reads, change only
 * in a rebalance (or when a thread dies, which causes one), and every rebalance moves Kafka Streams
 * out of RUNNING and back. Asking Kafka Streams instead costs a lock and a walk over every task or
 * instance on each call, which was a quarter of the event loop under query load (BENCHMARKS.md).
 *
 * <p>An entry is used only while Kafka Streams is RUNNING and has made no state change since the
 * entry was looked up; while it is rebalancing, every call asks Kafka Streams again.
 */
final class StateScopedCache<K, V> {

  private record Entry<V>(long stateChanges, V value) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final LongSupplier stateChanges;
  /** Keys remembered before all are forgotten: bounds the heap. */
  private final int maxEntries;

  /** @param stateChanges how many state changes Kafka Streams has made, counted by its state listener */
  StateScopedCache(LongSupplier stateChanges, int maxEntries) {
    this.stateChanges = stateChanges;
    this.maxEntries = maxEntries;
  }

  /**
   * @param running whether Kafka Streams is RUNNING now
   * @param lookUp the value as Kafka Streams gives it now; empty is not kept
   */
  Optional<V> get(K key, boolean running, Function<K, Optional<V>> lookUp) {
    // Read before the lookup: a change that happens during it makes the new entry unusable.
    long changes = stateChanges.getAsLong();
    if (!running) {
      return lookUp.apply(key);
    }
    Entry<V> entry = entries.get(key);
    if (entry != null && entry.stateChanges() == changes) {
      return Optional.of(entry.value());
    }
    Optional<V> value = lookUp.apply(key);
    if (value.isPresent()) {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, new Entry<>(changes, value.get()));
    }
    return value;
  }
}
