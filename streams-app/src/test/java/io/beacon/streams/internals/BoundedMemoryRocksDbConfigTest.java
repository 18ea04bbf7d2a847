package io.beacon.streams.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.streams.StoreNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.FlushOptions;
import org.rocksdb.FlushReason;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.TableProperties;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

class BoundedMemoryRocksDbConfigTest {

  private static final String DEDUP_SEGMENT = StoreNames.EVENT_IDS + ".1733356800000";

  @TempDir
  Path dir;

  /** Most of the stream thread's reads miss; a miss must be answered by a filter, not a block read. */
  @Test
  void everySstFileHasABloomFilterAfterCompactionToTheBottomLevel() throws Exception {
    try (Options options = kafkaStreamsOptions(); FlushOptions flush = new FlushOptions()) {
      new BoundedMemoryRocksDbConfig().setConfig(StoreNames.PRODUCT_COUNTS, options, Map.of());
      try (RocksDB db = RocksDB.open(options, dir.toString())) {
        // Two overlapping files, so compaction writes a new one into the bottom level rather than
        // moving a file whose filter was built at the flush.
        for (int file = 0; file < 2; file++) {
          for (int i = file; i < 10_000; i += 2) {
            db.put(("adv-1\nevent-" + i).getBytes(StandardCharsets.UTF_8), new byte[8]);
          }
          db.flush(flush.setWaitForFlush(true));
        }
        db.compactRange();
        Map<String, TableProperties> files = db.getPropertiesOfAllTables();
        assertFalse(files.isEmpty());
        files.forEach((file, properties) -> assertTrue(properties.getFilterSize() > 0, file + " has no filter"));
      }
    }
  }

  /** The dedup filters are filled by iterating a task's dedup store, whose ids may all be in memtables. */
  @Test
  void everyStoreIteratesWhatItsMemtablesHoldInKeyOrder() throws Exception {
    for (String store : List.of(DEDUP_SEGMENT, StoreNames.PRODUCT_COUNTS)) {
      try (Options options = kafkaStreamsOptions()) {
        new BoundedMemoryRocksDbConfig().setConfig(store, options, Map.of());
        Path storeDir = dir.resolve(store);
        try (RocksDB db = RocksDB.open(options, storeDir.toString())) {
          TreeSet<String> keys = new TreeSet<>();
          for (int i = 0; i < 5_000; i++) {
            String key = "adv-" + i % 50 + "\n" + UUID.randomUUID();
            keys.add(key);
            db.put(key.getBytes(StandardCharsets.UTF_8), new byte[8]);
          }
          List<String> iterated = new ArrayList<>();
          try (RocksIterator all = db.newIterator()) {
            for (all.seekToFirst(); all.isValid(); all.next()) {
              iterated.add(new String(all.key(), StandardCharsets.UTF_8));
            }
          }
          assertEquals(List.copyOf(keys), iterated, store + ": every key, in order, before any flush");
        }
      }
    }
  }

  /**
   * An instance of six tasks: eight stores each, four of them busy. The busy ones take batches of
   * writes in turn, as the processor's flushes write them, until each has filled its memtables
   * several times; the others take a write now and then. Every flush must be a memtable that
   * filled, none one that the shared budget forced.
   */
  @Test
  void anInstancesMemtablesFlushByTheirOwnSizeBeforeTheSharedBudgetBinds() throws Exception {
    List<FlushReason> reasons = Collections.synchronizedList(new ArrayList<>());
    AbstractEventListener flushes = new AbstractEventListener() {
      @Override
      public void onFlushBegin(RocksDB db, FlushJobInfo flush) {
        reasons.add(flush.getFlushReason());
      }
    };
    List<Options> allOptions = new ArrayList<>();
    List<RocksDB> busy = new ArrayList<>();
    List<RocksDB> quiet = new ArrayList<>();
    try (WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
      for (int task = 0; task < 6; task++) {
        for (int store = 0; store < 8; store++) {
          Options options = kafkaStreamsOptions();
          allOptions.add(options);
          new BoundedMemoryRocksDbConfig().setConfig(store == 0 ? DEDUP_SEGMENT : "store-" + store, options, Map.of());
          options.setListeners(List.of(flushes));
          RocksDB db = RocksDB.open(options, dir.resolve(task + "_" + store).toString());
          (store < 4 ? busy : quiet).add(db);
        }
      }
      long memtable = allOptions.get(0).writeBufferSize();
      byte[] value = new byte[200];
      Random random = new Random(42);
      long written = 0;
      for (int round = 0; written < 3 * memtable * busy.size(); round++) {
        for (RocksDB db : busy) {
          try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < 100; i++) {
              random.nextBytes(value);
              batch.put(("adv-1\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), value);
              written += 250;
            }
            db.write(noWal, batch);
          }
        }
        if (round % 50 == 0) {
          for (RocksDB db : quiet) {
            db.put(noWal, ("adv-1\n" + round).getBytes(StandardCharsets.UTF_8), value);
          }
        }
      }
      List<FlushReason> seen = List.copyOf(reasons);
      assertTrue(seen.contains(FlushReason.WRITE_BUFFER_FULL), "the busy stores filled their memtables: " + seen);
      assertFalse(seen.contains(FlushReason.WRITE_BUFFER_MANAGER),
          Collections.frequency(seen, FlushReason.WRITE_BUFFER_MANAGER) + " of " + seen.size()
              + " flushes forced by the shared budget");
    } finally {
      busy.forEach(RocksDB::close);
      quiet.forEach(RocksDB::close);
      allOptions.forEach(options -> new BoundedMemoryRocksDbConfig().close("store", options));
      allOptions.forEach(Options::close);
    }
  }

  /** What Kafka Streams' RocksDBStore sets before it calls the config setter (RocksDBStore.openDB). */
  private static Options kafkaStreamsOptions() {
    RocksDB.loadLibrary();
    Options options = new Options();
    BlockBasedTableConfig table = new BlockBasedTableConfig();
    table.setFilterPolicy(new BloomFilter());
    options.setTableFormatConfig(table);
    options.setOptimizeFiltersForHits(true);
    options.setWriteBufferSize(16 * 1024 * 1024);
    options.setCompactionStyle(CompactionStyle.UNIVERSAL);
    options.setMaxWriteBufferNumber(3);
    options.setIncreaseParallelism(Math.max(Runtime.getRuntime().availableProcessors(), 2));
    options.setCreateIfMissing(true);
    return options;
  }
}
