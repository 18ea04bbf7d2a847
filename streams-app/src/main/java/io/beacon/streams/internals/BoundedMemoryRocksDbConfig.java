package io.beacon.streams.internals;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's memory for the whole JVM: every store shares one block cache, and memtables are
 * charged against that same cache through one write buffer manager. Without it, each store (and
 * each segment of a window store) gets its own cache and memtables, and memory grows with the
 * number of partitions. Kafka Streams makes one instance of this class per store, hence the shared
 * state is static and created once.
 *
 * <p>Every store keeps RocksDB's default skip-list memtable, which iterates in key order: the dedup
 * filters are filled by iterating the dedup store when a task starts, and after a restore or a
 * standby's promotion its ids are still in memtables. A hash memtable (tried for the dedup
 * segments' inserts) returns nothing from a total-order iteration, so the filters came up empty
 * and ids counted before the task started were counted again.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

  public static final String CACHE_BYTES_CONFIG = "beacon.rocksdb.cache-bytes";
  /** Share of the cache that memtables may take. */
  private static final double WRITE_BUFFER_RATIO = 0.5;
  /** Size of a memtable's whole-key Bloom filter, as a share of the memtable. */
  static final double MEMTABLE_BLOOM_RATIO = 0.05;
  private static Cache cache;
  private static WriteBufferManager writeBufferManager;

  private static synchronized void createShared(long cacheBytes) {
    if (cache == null) {
      // Index and filter blocks are cached too (below), so the high-priority pool keeps them warm.
      cache = new LRUCache(cacheBytes, -1, false, 0.1);
      writeBufferManager = new WriteBufferManager((long) (cacheBytes * WRITE_BUFFER_RATIO), cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(CACHE_BYTES_CONFIG);
    createShared(configured == null ? 256L * 1024 * 1024 : Long.parseLong(configured.toString()));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBufferManager);
    // Most reads of the stream thread miss (dedup lookups, the first event of a bucket). SST files
    // answer a miss from their Bloom filters, but memtables had none: every miss searched each
    // memtable's skip list (BENCHMARKS.md, Processing).
    options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
    options.setMemtableWholeKeyFiltering(true);
    // Kafka Streams turns optimize_filters_for_hits on: no Bloom filters in the bottommost level,
    // where RocksDB puts nearly all data. Then every miss read an index and a data block there:
    // the dedup lookups of a pixel-loaded instance were 37% of its stream thread (async-profiler,
    // BENCHMARKS.md, Collector). The filters cost about 10 bits a key in the block cache.
    options.setOptimizeFiltersForHits(false);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store and live as long as the JVM.
  }
}
