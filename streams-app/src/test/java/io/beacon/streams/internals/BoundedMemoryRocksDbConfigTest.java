package io.beacon.streams.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.streams.StoreNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.TableProperties;

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

  /** What Kafka Streams' RocksDBStore sets before it calls the config setter. */
  private static Options kafkaStreamsOptions() {
    RocksDB.loadLibrary();
    Options options = new Options();
    BlockBasedTableConfig table = new BlockBasedTableConfig();
    table.setFilterPolicy(new BloomFilter());
    options.setTableFormatConfig(table);
    options.setOptimizeFiltersForHits(true);
    options.setCreateIfMissing(true);
    return options;
  }
}
