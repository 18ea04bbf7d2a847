package io.beacon.streams.counting;

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
 * store when its task starts and adds each id it stores, and a bucket whose filter cannot be shown to
 * hold them all is marked {@link #distrust distrusted}: it answers "maybe" for every id.
 *
 * <p>A bucket's filter is a chain: when its newest link is full, a link twice as large follows. A
 * new bucket's first link is sized for as many ids as the newest bucket held, so steady traffic
 * needs one link per bucket. All of a task's filters stay within {@code maxBytes}; when that
 * shrinks (more tasks on the instance), built filters stay and new links wait for room. When a link
 * does not fit, the filters of buckets older than the live ones (which only late events check) are
 * dropped, oldest first, and answer "maybe" from then on; when none is left to drop, the newest
 * link takes every further id, and its false positives, each a RocksDB lookup, rise. Filters are
 * never wrong the other way, so the dedup check stays exact whatever their size.
 */
final class SeenIdFilters {

  private static final Logger LOG = LoggerFactory.getLogger(SeenIdFilters.class);
  /** Ids the first link of a bucket holds at least: 24 KiB. */
  static final long FIRST_CAPACITY = 16_384;

  private static final class Chain {
    final List<BlockedBloomFilter> links = new ArrayList<>(4);
    long ids;
    long bytes;
    /** Its filters were dropped for room, or never shown complete: it may hold any id. */
    boolean dropped;
    /** No room for a larger link; tried again once expiry frees some. */
    boolean atBound;
    boolean warned;

    BlockedBloomFilter newest() {
      return links.get(links.size() - 1);
    }

    /** Frees the links: from now on the bucket may hold any id. */
    void drop() {
      links.clear();
      bytes = 0;
      dropped = true;
    }
  }

  private final TreeMap<Long, Chain> byBucket = new TreeMap<>();
  private final LongSupplier maxBytes;

  SeenIdFilters(LongSupplier maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** False when no id of {@code hash} ({@link BlockedBloomFilter#hash}) was added to the bucket. */
  boolean mightContain(long bucket, long hash) {
    Chain chain = byBucket.get(bucket);
    if (chain == null) {
      return false;
    }
    if (chain.dropped) {
      return true;
    }
    for (BlockedBloomFilter link : chain.links) {
      if (link.mightContain(hash)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the bucket's filter holds every id of the bucket, so that its "no" can be trusted. A
   * bucket without a filter has no ids: {@link #mightContain} says no, and that is complete too.
   */
  boolean complete(long bucket) {
    Chain chain = byBucket.get(bucket);
    return chain == null || !chain.dropped;
  }

  /**
   * From now on the bucket answers "maybe" for every id: its filter could not be shown to hold
   * every id of the bucket. Frees its links.
   */
  void distrust(long bucket) {
    byBucket.computeIfAbsent(bucket, b -> new Chain()).drop();
  }

  /**
   * Adds an id to its bucket's filter. Buckets from {@code liveFrom} on are the ones on-time events
   * check; the filters of older ones are dropped first when a link needs room.
   */
  void add(long bucket, long hash, long liveFrom) {
    Chain chain = byBucket.get(bucket);
    if (chain == null) {
      Map.Entry<Long, Chain> newest = byBucket.lastEntry();
      long capacity = Math.max(FIRST_CAPACITY, newest == null ? 0 : newest.getValue().ids);
      chain = new Chain();
      byBucket.put(bucket, chain);
      if (!grow(chain, bucket, capacity, liveFrom) && !grow(chain, bucket, FIRST_CAPACITY, liveFrom)) {
        chain.dropped = true;
        warnAtBound(chain, bucket);
      }
    }
    if (chain.dropped) {
      return;
    }
    BlockedBloomFilter newest = chain.newest();
    if (newest.isFull() && !chain.atBound) {
      if (grow(chain, bucket, newest.capacity() * 2, liveFrom)) {
        newest = chain.newest();
      } else {
        chain.atBound = true;
        warnAtBound(chain, bucket);
      }
    }
    newest.add(hash);
    chain.ids++;
  }

  /**
   * Appends a link for {@code capacity} ids to the chain if it fits, after dropping the filters of
   * buckets older than both this one and the live ones, oldest first, if that makes room.
   */
  private boolean grow(Chain chain, long bucket, long capacity, long liveFrom) {
    long needed = BlockedBloomFilter.bytesFor(capacity);
    long max = maxBytes.getAsLong();
    long used = bytes();
    if (used + needed > max) {
      Map<Long, Chain> older = byBucket.headMap(Math.min(bucket, liveFrom));
      long droppable = older.values().stream().mapToLong(c -> c.bytes).sum();
      if (used - droppable + needed > max) {
        return false;
      }
      for (Map.Entry<Long, Chain> oldest : older.entrySet()) {
        Chain dropping = oldest.getValue();
        if (used + needed <= max) {
          break;
        } else if (!dropping.dropped) {
          LOG.info("dropped the dedup filter of the bucket from {} ({} ids, {} KiB) for room: late events' dedup"
              + " checks in it read RocksDB", Instant.ofEpochMilli(oldest.getKey()), dropping.ids, dropping.bytes / 1024);
          used -= dropping.bytes;
          dropping.drop();
        }
      }
    }
    chain.links.add(new BlockedBloomFilter(capacity));
    chain.bytes += needed;
    return true;
  }

  private void warnAtBound(Chain chain, long bucket) {
    if (!chain.warned) {
      chain.warned = true;
      LOG.warn("the dedup filters are full (beacon.dedup-filter-bytes, {} KiB for this task) with the bucket from {} at {} ids:"
          + " dedup checks of more ids in it read RocksDB (beacon_dedup_store_reads_total); raise BEACON_DEDUP_FILTER_BYTES",
          maxBytes.getAsLong() / 1024, Instant.ofEpochMilli(bucket), chain.ids);
    }
  }

  /** Drops the filters of buckets that start before {@code bucket}; the others may grow again. */
  void forgetBefore(long bucket) {
    byBucket.headMap(bucket).clear();
    byBucket.values().forEach(chain -> chain.atBound = false);
  }

  void clear() {
    byBucket.clear();
  }

  /** The memory the filters take now. */
  long bytes() {
    return byBucket.values().stream().mapToLong(chain -> chain.bytes).sum();
  }
}
