package io.beacon.streams.internals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bloom filters, one per dedup bucket, of the event ids a task's dedup store holds, so that the
 * dedup check reads RocksDB only for an id the filter of its bucket may hold: nearly every event is
 * new, and its two or three RocksDB lookups were a sixth of the stream thread (BENCHMARKS.md,
 * Processing). They must hold every id of the store's buckets: the processor fills them from the
 * store when its task starts and adds each id it stores.
 *
 * <p>A bucket's filter is a chain: when its newest link is full, a link twice as large follows, as
 * long as the chain stays within {@code maxBytesPerBucket}; past that the newest link takes every
 * further id, and its false positives, each a RocksDB lookup, rise. A new bucket's first link is
 * sized for as many ids as the newest bucket held, so steady traffic needs one link per bucket.
 * Filters are never wrong the other way, so the dedup check stays exact whatever their size.
 */
final class SeenIdFilters {

  private static final Logger LOG = LoggerFactory.getLogger(SeenIdFilters.class);
  /** Ids the first link of a bucket holds at least: 24 KiB. */
  static final long FIRST_CAPACITY = 16_384;

  private static final class Chain {
    final List<BlockedBloomFilter> links = new ArrayList<>(4);
    long ids;
    long bytes;
    boolean atBound;

    Chain(long capacity) {
      append(capacity);
    }

    void append(long capacity) {
      links.add(new BlockedBloomFilter(capacity));
      bytes += BlockedBloomFilter.bytesFor(capacity);
    }

    BlockedBloomFilter newest() {
      return links.get(links.size() - 1);
    }
  }

  private final TreeMap<Long, Chain> byBucket = new TreeMap<>();
  private final LongSupplier maxBytesPerBucket;

  SeenIdFilters(LongSupplier maxBytesPerBucket) {
    this.maxBytesPerBucket = maxBytesPerBucket;
  }

  /** False when no id of {@code hash} ({@link BlockedBloomFilter#hash}) was added to the bucket. */
  boolean mightContain(long bucket, long hash) {
    Chain chain = byBucket.get(bucket);
    if (chain == null) {
      return false;
    }
    for (BlockedBloomFilter link : chain.links) {
      if (link.mightContain(hash)) {
        return true;
      }
    }
    return false;
  }

  void add(long bucket, long hash) {
    Chain chain = byBucket.get(bucket);
    if (chain == null) {
      Map.Entry<Long, Chain> newest = byBucket.lastEntry();
      long capacity = Math.max(FIRST_CAPACITY, newest == null ? 0 : newest.getValue().ids);
      chain = new Chain(Math.min(capacity, capacityWithin(maxBytesPerBucket.getAsLong())));
      byBucket.put(bucket, chain);
    }
    BlockedBloomFilter newest = chain.newest();
    if (newest.isFull()) {
      long larger = newest.capacity() * 2;
      if (chain.bytes + BlockedBloomFilter.bytesFor(larger) <= maxBytesPerBucket.getAsLong()) {
        chain.append(larger);
        newest = chain.newest();
      } else if (!chain.atBound) {
        chain.atBound = true;
        LOG.warn("the dedup filter of the bucket from {} is full at {} ids in {} KiB, its share of"
            + " beacon.dedup-filter-bytes: checks of more ids in it read RocksDB (beacon_dedup_store_reads_total);"
            + " raise BEACON_DEDUP_FILTER_BYTES", Instant.ofEpochMilli(bucket), chain.ids, chain.bytes / 1024);
      }
    }
    newest.add(hash);
    chain.ids++;
  }

  /** Drops the filters of buckets that start before {@code bucket}. */
  void forgetBefore(long bucket) {
    byBucket.headMap(bucket).clear();
  }

  void clear() {
    byBucket.clear();
  }

  /** The memory the filters take now. */
  long bytes() {
    return byBucket.values().stream().mapToLong(chain -> chain.bytes).sum();
  }

  private static long capacityWithin(long bytes) {
    return Math.max(FIRST_CAPACITY, bytes * Byte.SIZE / BlockedBloomFilter.BITS_PER_HASH);
  }
}
