package io.beacon.streams.counting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopology;
import io.beacon.streams.Counts;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.RejectReason;
import io.beacon.streams.Resolution;
import io.beacon.streams.StoreNames;
import io.beacon.streams.internals.CountsSerde;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor on its own, on persistent stores with the production RocksDB configuration, where a
 * test can do what Kafka Streams does to a task: flush before a commit, roll back, close and
 * initialise again. Each invariant of the package documentation has its test here.
 */
class EventCountingProcessorTest {

  @TempDir Path stateDir;

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final List<String> heard = new ArrayList<>();
  private int dedupStoreReads;
  private int dedupChecksWithoutFilter;
  /** Writes to the stores, in order: "store-name put|putAll|delete". */
  private final List<String> writes = new ArrayList<>();
  private BeaconConfig config;
  private MockProcessorContext<String, AdEvent> context;
  private List<KeyValueStore<Bytes, Counts>> countStores;
  private KeyValueStore<String, Long> counted;
  private KeyValueStore<String, Long> totals;
  private WindowStore<String, Long> eventIds;
  private CommitHook commitHook;
  private EventCountingProcessor processor;
  private final TaskMemoryBudget budget = new TaskMemoryBudget(TaskMemoryBudget.DEFAULT_HELD_COUNTS, 1024 * 1024);

  @BeforeEach
  void setUp() {
    config = BeaconConfig.defaults("unused:9092").withStateDir(stateDir.toString());
    context = new MockProcessorContext<>(BeaconTopology.streamsProperties(config), new TaskId(0, 0), stateDir.toFile());
    context.setCurrentSystemTimeMs(now.toEpochMilli());
    context.setCurrentStreamTimeMs(now.toEpochMilli());
    TimestampedKeyValueStore<String, Advertiser> advertisers = add(context, Stores.timestampedKeyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(StoreNames.ADVERTISERS), Serdes.String(), BeaconSerdes.advertiser()).withLoggingDisabled().build());
    // The stores of the topology, persistent, with the production RocksDB configuration (BeaconTopology.streamsProperties).
    eventIds = recorded(WindowStore.class, Stores.windowStoreBuilder(Stores.persistentWindowStore(
        StoreNames.EVENT_IDS, config.dedupRetention(), config.dedupWindow(), false), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    countStores = Stream.of(StoreNames.PRODUCT_COUNTS, StoreNames.ADVERTISER_COUNTS)
        .map(name -> (KeyValueStore<Bytes, Counts>) recorded(KeyValueStore.class, Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.Bytes(), new CountsSerde()).withLoggingDisabled().build()))
        .toList();
    counted = recorded(KeyValueStore.class, Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.COUNTED_ADVERTISERS), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    totals = recorded(KeyValueStore.class, Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.EVENT_TOTALS), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    for (String personal : List.of(StoreNames.USER_HISTORIES, StoreNames.COOCCURRENCES)) {
      recorded(KeyValueStore.class, Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(personal), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
    }
    commitHook = add(context, CommitHook.builder(StoreNames.COUNT_COMMIT_HOOK).build());
    advertisers.put("adv-1", ValueAndTimestamp.make(Advertiser.newBuilder().setAdvertiserId("adv-1").setName("One")
        .setStatus(AdvertiserStatus.ACTIVE).setUpdatedAt(now).build(), now.toEpochMilli()));
    processor = processor(budget);
  }

  private EventCountingProcessor processor(TaskMemoryBudget budget) {
    EventCountingProcessor processor = new EventCountingProcessor(config, "rejected", new ProcessingListener() {
      @Override
      public void counted(String advertiserId, long sinceAcceptedMs) {
        heard.add("counted " + advertiserId);
      }

      @Override
      public void rejected(String advertiserId, RejectReason reason) {
        heard.add("rejected " + advertiserId + " " + reason);
      }

      @Override
      public void dedupStoreRead() {
        dedupStoreReads++;
      }

      @Override
      public void dedupCheckWithoutFilter() {
        dedupChecksWithoutFilter++;
      }
    }, budget);
    processor.init(context);
    return processor;
  }

  @Test
  void shouldWriteCountsAndTellTheListenerWhenKafkaStreamsFlushesBeforeACommit() {
    processor.process(view("e-1", now));
    assertEquals(List.of(), heard, "not visible to queries yet");
    assertNull(totals.get(EventCountingProcessor.ACCEPTED), "totals are held like the counts");

    commitHook.flushCache();

    assertEquals(List.of("counted adv-1"), heard);
    assertEquals(1L, totals.get(EventCountingProcessor.ACCEPTED));
    Bytes minute = CountKeys.product("adv-1", Resolution.MINUTE, Resolution.MINUTE.bucketStart(now.toEpochMilli()), "p-1");
    assertEquals(new Counts(1, 0, 0), countStores.get(0).get(minute));
  }

  @Test
  void shouldShowFewEventsAtTheNextFlushCheckAndManyAtTheLatestAfterTheLongestWait() {
    Punctuator flushCheck = context.scheduledPunctuators().stream()
        .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
        .filter(p -> p.getInterval().equals(EventCountingProcessor.FEW_EVENTS_FLUSH_INTERVAL))
        .findFirst().orElseThrow().getPunctuator();
    long start = now.toEpochMilli();
    processor.process(view("e-0", now));
    flushCheck.punctuate(start + 10);
    assertEquals(1, heard.size(), "a few events are written at the next check");

    for (int i = 1; i <= EventCountingProcessor.FEW_EVENTS + 1; i++) {
      processor.process(view("e-" + i, now));
    }
    flushCheck.punctuate(start + 20);
    assertEquals(1, heard.size(), "many events wait for the longest interval");
    flushCheck.punctuate(start + 10 + EventCountingProcessor.COUNT_FLUSH_INTERVAL.toMillis());
    assertEquals(EventCountingProcessor.FEW_EVENTS + 2, heard.size());
  }

  /** Invariant 3, under exactly_once_v2: an aborted transaction rolls the stores back and revives the task. */
  @Test
  void shouldCountFromTheRolledBackStoresWhenATaskIsInitialisedAgain() {
    processor.process(view("e-1", now));
    processor.process(view("e-1", now)); // a duplicate, held in the rejected totals
    commitHook.flushCache();
    assertEquals(1L, totals.get(EventCountingProcessor.ACCEPTED));
    processor.process(view("e-3", now));

    // The transaction aborts before its commit: the stores go back to what was committed (nothing
    // here), and Kafka Streams closes the processor and initialises the same instance again. The
    // counts, totals and ids the processor held for e-3 were never written; they must not be
    // written later either.
    rollBackEverything();
    restartTask();
    assertEquals(TaskMemoryBudget.DEFAULT_HELD_COUNTS, budget.heldCountsPerTask(), "still one task of the budget");
    processor.process(view("e-2", now));
    processor.process(view("e-1", now)); // rolled back with its count: it counts now
    commitHook.flushCache(); // what Kafka Streams does before the commit

    assertEquals(2L, totals.get(EventCountingProcessor.ACCEPTED));
    assertNull(totals.get(EventCountingProcessor.totalKeyFor(RejectReason.DUPLICATE)));
    assertEquals(now.toEpochMilli(), counted.get("adv-1"));
    assertEquals(new Counts(2, 0, 0), countStores.get(0).get(productMinute("p-1")));
    Bytes day = CountKeys.bucket("adv-1", Resolution.DAY, Resolution.DAY.bucketStart(now.toEpochMilli()));
    assertEquals(new Counts(2, 0, 0), countStores.get(1).get(day));
    assertEquals(List.of("rejected adv-1 DUPLICATE", "counted adv-1", "counted adv-1", "counted adv-1"), heard,
        "e-1 (written by a flush between commits) and e-3 (held) were rolled back; e-3's count never became visible");
  }

  /** Invariant 1: ids restored into the store's memtables are in the filters once the task starts. */
  @Test
  void shouldRejectAnIdCountedBeforeTheTaskStartedAgain() {
    processor.process(view("e-1", now));
    commitHook.flushCache();
    restartTask();

    processor.process(view("e-1", now));
    processor.process(view("e-2", now));

    assertEquals(List.of("counted adv-1", "rejected adv-1 DUPLICATE"), heard);
    assertEquals(0, dedupChecksWithoutFilter, "every bucket's filter was shown complete");
    assertEquals(1, dedupStoreReads, "only the duplicate read the store");
  }

  /** Invariant 1: a bucket whose stored ids do not match its recorded count reads the store for every id. */
  @Test
  void shouldReadTheStoreForEveryIdOfABucketWhoseStoredIdsDoNotMatchItsRecordedCount() {
    // As the store of an older version, which recorded no counts, or a store that lost records.
    long window = config.dedupWindow().toMillis();
    long bucket = Math.floorDiv(now.toEpochMilli(), window) * window;
    eventIds.put("adv-1\nrestored", now.toEpochMilli(), bucket);
    eventIds.put("adv-1\nrestored-earlier", bucket - 1, bucket - window);
    totals.put(DedupIndex.BUCKET_SIZE_PREFIX + bucket, 2L);
    restartTask();

    processor.process(view("restored", now));
    processor.process(view("restored-earlier", Instant.ofEpochMilli(bucket)));
    processor.process(view("new", now));

    assertEquals(List.of("rejected adv-1 DUPLICATE", "rejected adv-1 DUPLICATE"), heard);
    assertEquals(5, dedupChecksWithoutFilter, "both buckets are distrusted: each check of either reads the store");
  }

  /** Invariant 1: a bucket recorded with ids that the store no longer finds is distrusted too. */
  @Test
  void shouldDistrustABucketWithARecordedCountAndNoIdsFound() {
    long window = config.dedupWindow().toMillis();
    totals.put(DedupIndex.BUCKET_SIZE_PREFIX + Math.floorDiv(now.toEpochMilli(), window) * window, 1L);
    restartTask();

    processor.process(view("e-1", now));

    assertEquals(1, dedupChecksWithoutFilter);
  }

  /**
   * Invariants 2, 6 and 9: a flush writes the personal model, then product counts, then advertiser
   * counts, then totals, then the ids and their buckets' sizes; nothing before it.
   */
  @Test
  void shouldWriteIdsOnlyAfterTheCountsTheyGuard() {
    writes.clear();
    processor.process(view("e-1", now));
    Record<String, AdEvent> usersView = view("e-2", now, "p-2");
    usersView.value().setUserId("u-1");
    processor.process(usersView);
    assertEquals(List.of(), writes, "nothing before a flush");

    commitHook.flushCache();

    assertEquals(List.of("user-histories putAll", "co-occurrences putAll", "product-counts putAll", "advertiser-counts putAll",
        "counted-advertisers putAll", "event-totals putAll", "event-ids put", "event-ids put", "event-totals putAll"), writes);
  }

  /**
   * Invariant 2 under at_least_once: Kafka Streams flushes before a dirty close but commits no
   * offsets, keeps the local stores and replays the input from the last commit.
   */
  @Test
  void shouldCountEachEventOnceWhenADirtyCloseUnderAtLeastOnceReplaysIt() {
    processor.process(view("e-1", now));
    processor.process(view("e-2", now));
    commitHook.flushCache();
    restartTask();

    processor.process(view("e-1", now));
    processor.process(view("e-2", now));
    processor.process(view("e-3", now));
    commitHook.flushCache();

    assertEquals(new Counts(3, 0, 0), countStores.get(0).get(productMinute("p-1")));
    assertEquals(3L, totals.get(EventCountingProcessor.ACCEPTED));
  }

  /** Invariant 2 under at_least_once: a crash before the flush leaves neither the counts nor the ids. */
  @Test
  void shouldCountAnEventWhoseTaskStoppedBeforeItsCountsWereWrittenWhenItIsReplayed() {
    processor.process(view("e-1", now));
    processor.close(); // no flush: the process died
    processor.init(context);

    processor.process(view("e-1", now));
    commitHook.flushCache();

    assertEquals(new Counts(1, 0, 0), countStores.get(0).get(productMinute("p-1")));
  }

  /** Invariant 4: Kafka Streams keeps a task's punctuations across a revive or a resume, which init again. */
  @Test
  void shouldKeepOneScheduleOfEachPunctuationWhateverTheInits() {
    for (int revive = 0; revive < 3; revive++) {
      restartTask();
    }

    List<String> live = context.scheduledPunctuators().stream().filter(p -> !p.cancelled())
        .map(p -> p.getType() + " " + p.getInterval()).sorted().toList();
    assertEquals(List.of("STREAM_TIME " + EventCountingProcessor.EXPIRY_INTERVAL,
        "WALL_CLOCK_TIME " + EventCountingProcessor.FEW_EVENTS_FLUSH_INTERVAL), live);
  }

  /** Invariant 8: an empty dedup store gets a segment, in which Kafka Streams keeps its changelog offset. */
  @Test
  void shouldGiveAnEmptyDedupStoreASegment() {
    try (KeyValueIterator<Windowed<String>, Long> all = eventIds.all()) {
      assertEquals(DedupIndex.SEGMENT_KEEPER, all.next().key.key());
      assertFalse(all.hasNext());
    }
    processor.process(view("e-1", now));
    commitHook.flushCache();
    restartTask();
    try (KeyValueIterator<Windowed<String>, Long> all = eventIds.all()) {
      assertEquals(DedupIndex.key("adv-1", "e-1"), all.next().key.key(), "the first id's segment expired the keeper's");
      assertFalse(all.hasNext());
    }
  }

  @Test
  void shouldReadTheDedupStoreOnlyForIdsTheFiltersCannotRuleOut() {
    for (int i = 0; i < 1000; i++) {
      processor.process(view("e-" + i, now));
    }
    commitHook.flushCache();
    int readsForNewIds = dedupStoreReads;
    processor.process(view("e-7", now));

    assertEquals(readsForNewIds + 1, dedupStoreReads, "a duplicate's check reads the store, and the listener hears of it");
    assertTrue(readsForNewIds < 20, "new ids are ruled out by the filters, but for rare false positives: " + readsForNewIds);
    assertEquals(0, dedupChecksWithoutFilter);
  }

  @Test
  void shouldFindADuplicateOfAnIdNotWrittenYetWithoutReadingTheStore() {
    processor.process(view("e-1", now));
    processor.process(view("e-1", now));

    assertEquals(List.of("rejected adv-1 DUPLICATE"), heard);
    assertEquals(0, dedupStoreReads);
  }

  @Test
  void shouldNotReadProductCountsOfABucketTheStoreHadNoCountOf() {
    long minute = Resolution.MINUTE.bucketStart(now.toEpochMilli());
    Bytes productMinute = CountKeys.product("adv-1", Resolution.MINUTE, minute, "p-1");
    // A product count without its bucket's count, which the processor never writes: it is not read.
    countStores.get(0).put(productMinute, new Counts(100, 0, 0));

    processor.process(view("e-1", now));
    commitHook.flushCache();

    assertEquals(new Counts(1, 0, 0), countStores.get(0).get(productMinute));
  }

  @Test
  void shouldReadAProductCountAgainOnceTheHeldCountsLetGoOfIt() {
    processor.close();
    processor = processor(new TaskMemoryBudget(1, 1024 * 1024));
    processor.process(view("e-1", now, "p-1"));
    processor.process(view("e-2", now, "p-2"));
    commitHook.flushCache(); // keeps one product count held: p-1's minute count is only in the store

    processor.process(view("e-3", now, "p-1"));
    commitHook.flushCache();

    assertEquals(new Counts(2, 0, 0), countStores.get(0).get(productMinute("p-1")));
  }

  private static <S extends StateStore> S add(MockProcessorContext<String, AdEvent> context, S store) {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  /** The store, initialised and added to the context behind a proxy that records its writes in {@link #writes}. */
  @SuppressWarnings("unchecked")
  private <S extends StateStore> S recorded(Class<S> type, S store) {
    store.init(context.getStateStoreContext(), store);
    S recording = (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (Set.of("put", "putAll", "delete").contains(method.getName())) {
        writes.add(store.name() + " " + method.getName());
      }
      try {
        return method.invoke(store, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
    context.addStateStore(recording);
    return recording;
  }

  /** What Kafka Streams' rollback of an aborted transaction does when nothing was committed: every store empty. */
  private void rollBackEverything() {
    for (KeyValueStore<?, ?> store : List.of(countStores.get(0), countStores.get(1), counted, totals)) {
      deleteAll(store);
    }
    List<Windowed<String>> ids = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, Long> all = eventIds.all()) {
      all.forEachRemaining(id -> ids.add(id.key));
    }
    ids.forEach(id -> eventIds.put(id.key(), null, id.window().start()));
  }

  private static <K> void deleteAll(KeyValueStore<K, ?> store) {
    List<K> keys = new ArrayList<>();
    try (KeyValueIterator<K, ?> all = store.all()) {
      all.forEachRemaining(entry -> keys.add(entry.key));
    }
    keys.forEach(store::delete);
  }

  /** What Kafka Streams does to the processor when it starts its task again on the same stores. */
  private void restartTask() {
    processor.close();
    processor.init(context);
  }

  private Bytes productMinute(String product) {
    return CountKeys.product("adv-1", Resolution.MINUTE, Resolution.MINUTE.bucketStart(now.toEpochMilli()), product);
  }

  private static Record<String, AdEvent> view(String id, Instant time) {
    return view(id, time, "p-1");
  }

  private static Record<String, AdEvent> view(String id, Instant time, String product) {
    AdEvent event = AdEvent.newBuilder().setEventId(id).setType(EventType.VIEW).setEventTime(time)
        .setAdvertiserId("adv-1").setProductId(product).build();
    return new Record<>("adv-1", event, time.toEpochMilli());
  }
}
