package io.beacon.streams.counting;

import io.beacon.avro.EventType;
import io.beacon.streams.Counts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
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
 * last flush. At most {@code maxHeld} counts stay held after a flush; those held longest go, even if
 * still in use (they are read again). An access-ordered map's relinking on every lookup cost more
 * than those reads (BENCHMARKS.md, Processing).
 */
final class HeldCounts {

  /** A count, changed in place: a new {@link Counts} per event was an allocation per lookup. */
  private static final class Held {
    final Bytes key;
    long views;
    long impressions;
    long clicks;
    boolean changed;

    Held(Bytes key, Counts counts) {
      this.key = key;
      this.views = counts.views();
      this.impressions = counts.impressions();
      this.clicks = counts.clicks();
    }

    void add(EventType type) {
      switch (type) {
        case VIEW -> views++;
        case IMPRESSION -> impressions++;
        case CLICK -> clicks++;
      }
    }

    Counts counts() {
      return new Counts(views, impressions, clicks);
    }
  }

  private final KeyValueStore<Bytes, Counts> store;
  private final IntSupplier maxHeld;
  private final Consumer<Bytes> letGo;
  private final LinkedHashMap<Bytes, Held> held = new LinkedHashMap<>(1024);
  private final List<Held> changed = new ArrayList<>();

  /** {@code letGo} hears of every key {@link #flush()} stops holding (not of those {@link #clear()} forgets). */
  HeldCounts(KeyValueStore<Bytes, Counts> store, IntSupplier maxHeld, Consumer<Bytes> letGo) {
    this.store = store;
    this.maxHeld = maxHeld;
    this.letGo = letGo;
  }

  HeldCounts(KeyValueStore<Bytes, Counts> store, IntSupplier maxHeld) {
    this(store, maxHeld, key -> {});
  }

  /**
   * Adds one event of {@code type} to the count under {@code key}. True when the count was not
   * held and the store had none: it starts here.
   */
  boolean add(Bytes key, EventType type) {
    return add(key, type, false);
  }

  /**
   * As {@link #add(Bytes, EventType)}, but when the caller knows the store has no count under
   * {@code key} ({@code notInStore}), a count not held starts at zero without reading the store.
   */
  boolean add(Bytes key, EventType type, boolean notInStore) {
    Held entry = held.get(key);
    boolean starts = false;
    if (entry == null) {
      Counts stored = notInStore ? null : store.get(key);
      starts = stored == null;
      entry = new Held(key, starts ? Counts.ZERO : stored);
      held.put(key, entry);
    }
    entry.add(type);
    if (!entry.changed) {
      entry.changed = true;
      changed.add(entry);
    }
    return starts;
  }

  /** Writes the counts changed since the last flush to the store, then lets go of the longest held. */
  void flush() {
    if (!changed.isEmpty()) {
      List<KeyValue<Bytes, Counts>> writes = new ArrayList<>(changed.size());
      for (Held entry : changed) {
        writes.add(KeyValue.pair(entry.key, entry.counts()));
        entry.changed = false;
      }
      changed.clear();
      store.putAll(writes);
    }
    int keep = maxHeld.getAsInt();
    Iterator<Held> longestHeld = held.values().iterator();
    while (held.size() > keep) {
      Held entry = longestHeld.next();
      longestHeld.remove();
      letGo.accept(entry.key);
    }
  }

  /** Forgets every held count, changed or not: the next reads go to the store. */
  void clear() {
    held.clear();
    changed.clear();
  }
}
