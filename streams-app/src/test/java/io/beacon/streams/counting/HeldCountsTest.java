package io.beacon.streams.counting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.EventType;
import io.beacon.streams.Counts;
import io.beacon.streams.internals.CountsSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class HeldCountsTest {

  private static final Bytes A = Bytes.wrap(new byte[] {1});
  private static final Bytes B = Bytes.wrap(new byte[] {2});
  private static final Bytes C = Bytes.wrap(new byte[] {3});

  private final KeyValueStore<Bytes, Counts> store = countStore();

  @Test
  void shouldWriteCountsOnlyWhenFlushedStartingFromWhatTheStoreHeld() {
    store.put(A, new Counts(5, 0, 0));
    HeldCounts counts = new HeldCounts(store, () -> 10);

    counts.add(A, EventType.VIEW);
    counts.add(A, EventType.CLICK);
    counts.add(B, EventType.IMPRESSION);
    assertEquals(new Counts(5, 0, 0), store.get(A));
    assertNull(store.get(B));

    counts.flush();
    assertEquals(new Counts(6, 0, 1), store.get(A));
    assertEquals(new Counts(0, 1, 0), store.get(B));
  }

  @Test
  void shouldKeepOnlyTheLatestHeldCountsAfterAFlush() {
    HeldCounts counts = new HeldCounts(store, () -> 1);
    counts.add(A, EventType.VIEW);
    counts.add(B, EventType.VIEW);
    counts.flush();

    // Changed behind the held counts: A was let go and is read again, B is still held.
    store.put(A, new Counts(10, 0, 0));
    store.put(B, new Counts(10, 0, 0));
    counts.add(A, EventType.VIEW);
    counts.add(B, EventType.VIEW);
    counts.flush();

    assertEquals(new Counts(11, 0, 0), store.get(A));
    assertEquals(new Counts(2, 0, 0), store.get(B));
  }

  @Test
  void shouldTellWhenACountStartsAndStartAtZeroWithoutReadingWhenTheStoreIsKnownToHaveNone() {
    store.put(A, new Counts(5, 0, 0));
    HeldCounts counts = new HeldCounts(store, () -> 10);

    assertFalse(counts.add(A, EventType.VIEW), "read from the store");
    assertTrue(counts.add(B, EventType.VIEW), "the store had none");
    assertFalse(counts.add(B, EventType.VIEW), "held");
    store.put(C, new Counts(7, 0, 0));
    assertTrue(counts.add(C, EventType.VIEW, true), "not read");
    counts.flush();

    assertEquals(new Counts(1, 0, 0), store.get(C));
  }

  @Test
  void shouldTellWhichCountsAFlushLetsGoOf() {
    List<Bytes> letGo = new ArrayList<>();
    HeldCounts counts = new HeldCounts(store, () -> 1, letGo::add);
    counts.add(A, EventType.VIEW);
    counts.add(B, EventType.VIEW);
    counts.flush();
    counts.clear();

    assertEquals(List.of(A), letGo, "the longest held; not those cleared");
  }

  private static KeyValueStore<Bytes, Counts> countStore() {
    KeyValueStore<Bytes, Counts> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"),
        Serdes.Bytes(), new CountsSerde()).withLoggingDisabled().build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }
}
