package io.beacon.streams.internals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.streams.StoreNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
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

  @Test
  void dedupSegmentsHashTheirMemtableAndAnswerPointReadsBeforeAndAfterAFlush() throws Exception {
    try (Options options = kafkaStreamsOptions(); FlushOptions flush = new FlushOptions()) {
      new BoundedMemoryRocksDbConfig().setConfig(DEDUP_SEGMENT, options, Map.of());
      assertEquals("HashLinkedListRepFactory", options.memTableFactoryName());
      try (RocksDB db = RocksDB.open(options, dir.toString())) {
        byte[][] keys = new byte[5_000][];
        for (int i = 0; i < keys.length; i++) {
          // As the window store lays a key out: the dedup key, then the window start and a sequence number.
          String dedupKey = (i % 7 == 0 ? "a" : "adv-" + i % 50) + "\n" + UUID.randomUUID();
          keys[i] = ByteBuffer.allocate(dedupKey.length() + 12).put(dedupKey.getBytes(StandardCharsets.UTF_8))
              .putLong(1_733_356_800_000L).putInt(0).array();
          db.put(keys[i], ByteBuffer.allocate(8).putLong(i).array());
        }
        assertAllFound(db, keys);
        assertNull(db.get("adv-1\nnever-seen".getBytes(StandardCharsets.UTF_8)));
        db.flush(flush.setWaitForFlush(true));
        assertAllFound(db, keys);
      }
    }
  }

  @Test
  void storesOtherThanDedupSegmentsKeepTheSkipList() {
    try (Options options = kafkaStreamsOptions()) {
      new BoundedMemoryRocksDbConfig().setConfig(StoreNames.PRODUCT_COUNTS, options, Map.of());
      assertEquals("SkipListFactory", options.memTableFactoryName());
    }
  }

  private static void assertAllFound(RocksDB db, byte[][] keys) throws Exception {
    for (int i = 0; i < keys.length; i++) {
      assertArrayEquals(ByteBuffer.allocate(8).putLong(i).array(), db.get(keys[i]), "key " + i);
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
