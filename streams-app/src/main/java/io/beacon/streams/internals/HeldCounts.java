package io.beacon.streams.internals;

import io.beacon.avro.EventType;
import io.beacon.streams.Counts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A count store as its processor sees it: counts are read once and held in a hash map, events add
 * to them there, and {@link #flush()} writes the changed ones to the store in one batch. A count
 * that many events change between flushes costs one store write and one changelog record. Kafka
 * Streams' record cache did this before, with a sorted map whose key comparisons and bookkeeping
 * took a third of the stream thread (BENCHMARKS.md).
 *
 * <p>Only the task's stream thread uses it. Queries read the store, so they see the counts of the
 * last flush. At most {@code maxHeld} counts stay held after a flush, the least recently used go.
 */
final class HeldCounts {

  private static final class Held {
    final Bytes key;
    Counts counts;
    boolean changed;

    Held(Bytes key, Counts counts) {
      this.key = key;
      this.counts = counts;
    }
  }

  private final KeyValueStore<Bytes, Counts> store;
  private final IntSupplier maxHeld;
  private final LinkedHashMap<Bytes, Held> held = new LinkedHashMap<>(1024, 0.75f, true);
  private final List<Held> changed = new ArrayList<>();

  HeldCounts(KeyValueStore<Bytes, Counts> store, IntSupplier maxHeld) {
    this.store = store;
    this.maxHeld = maxHeld;
  }

  /** Adds one event of {@code type} to the count under {@code key}. */
  void add(Bytes key, EventType type) {
    Held entry = held.get(key);
    if (entry == null) {
      Counts stored = store.get(key);
      entry = new Held(key, stored == null ? Counts.ZERO : stored);
      held.put(key, entry);
    }
    entry.counts = entry.counts.plus(type);
    if (!entry.changed) {
      entry.changed = true;
      changed.add(entry);
    }
  }

  /** Writes the counts changed since the last flush to the store, then lets go of the least used. */
  void flush() {
    if (!changed.isEmpty()) {
      List<KeyValue<Bytes, Counts>> writes = new ArrayList<>(changed.size());
      for (Held entry : changed) {
        writes.add(KeyValue.pair(entry.key, entry.counts));
        entry.changed = false;
      }
      changed.clear();
      store.putAll(writes);
    }
    int keep = maxHeld.getAsInt();
    Iterator<Held> leastRecentlyUsed = held.values().iterator();
    while (held.size() > keep) {
      leastRecentlyUsed.next();
      leastRecentlyUsed.remove();
    }
  }

  /** Forgets every held count, changed or not: the next reads go to the store. */
  void clear() {
    held.clear();
    changed.clear();
  }
}
