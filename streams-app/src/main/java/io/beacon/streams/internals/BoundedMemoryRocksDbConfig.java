package io.beacon.streams.internals;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Invariant: the memtables of an instance flush by their own size before their sum reaches the
 * write buffer manager's budget. Once the budget binds, RocksDB switches the memtable of whichever
 * store writes next, however little it holds, and every new memtable allocates its Bloom filter
 * and first arena block again; with one RocksDB instance per store and task the budget then stayed
 * bound, the busiest store (the dedup segment) flushed thousands of memtables of a few kilobytes,
 * and writes stopped behind the flush queue for longer than a transaction may last (BENCHMARKS.md,
 * Personal recommendations). So a memtable is the budget divided by {@value #MEMTABLES_IN_BUDGET}: an
 * instance's busy stores (four a task: dedup, product counts, histories, co-occurrences) fill
 * their memtables within it for up to eight tasks; past that, {@link #setConfig} warns to raise
 * the cache. Tested by {@code BoundedMemoryRocksDbConfigTest
 * .anInstancesMemtablesFlushByTheirOwnSizeBeforeTheSharedBudgetBinds}.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedMemoryRocksDbConfig.class);
  public static final String CACHE_BYTES_CONFIG = "beacon.rocksdb.cache-bytes";
  /** Share of the cache that memtables may take. */
  private static final double WRITE_BUFFER_RATIO = 0.5;
  /** Size of a memtable's whole-key Bloom filter, as a share of the memtable. */
  static final double MEMTABLE_BLOOM_RATIO = 0.05;
  /** Full memtables the write buffer budget holds (class comment). */
  static final int MEMTABLES_IN_BUDGET = 32;
  /** Arena blocks per memtable: the first is allocated by a store's first write, written or not. */
  private static final int ARENA_BLOCKS_PER_MEMTABLE = 16;
  /** Stores open beyond which their memtables may outgrow the budget: eight tasks of eight stores. */
  static final int STORES_WITHIN_BUDGET = 64;
  private static Cache cache;
  private static WriteBufferManager writeBufferManager;
  private static long memtableBytes;
  private static int openStores;

  private static synchronized void createShared(long cacheBytes) {
    if (cache == null) {
      // Index and filter blocks are cached too (below), so the high-priority pool keeps them warm.
      cache = new LRUCache(cacheBytes, -1, false, 0.1);
      long budget = (long) (cacheBytes * WRITE_BUFFER_RATIO);
      writeBufferManager = new WriteBufferManager(budget, cache);
      memtableBytes = budget / MEMTABLES_IN_BUDGET;
    }
  }

  private static synchronized int opened() {
    return ++openStores;
  }

  private static synchronized void closed() {
    openStores--;
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
    options.setWriteBufferSize(memtableBytes);
    options.setArenaBlockSize(memtableBytes / ARENA_BLOCKS_PER_MEMTABLE);
    if (opened() == STORES_WITHIN_BUDGET + 1) {
      LOG.warn("More than {} RocksDB stores are open in this instance: their memtables of {} MiB may fill "
              + "the write buffer budget of {} MiB, which then flushes tiny memtables and stalls writes. "
              + "Raise beacon.rocksdb.cache-bytes: half of it is the budget.",
          STORES_WITHIN_BUDGET, memtableBytes >> 20, (memtableBytes * MEMTABLES_IN_BUDGET) >> 20);
    }
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
    closed();
  }
}
