package io.beacon.streams.counting;

/**
 * A Bloom filter of 64-bit hashes whose bits for one hash all lie in one 512-bit block, a cache
 * line: an answer costs one memory access, at the price of a slightly higher false-positive rate
 * than a classic filter of the same size (about 1% at its capacity). It never answers "absent" for
 * a hash it was given. Past its capacity it still takes hashes; its false positives then rise.
 */
final class BlockedBloomFilter {

  static final int BITS_PER_HASH = 12;
  private static final int BLOCK_BITS = 512;
  private static final int WORDS_PER_BLOCK = BLOCK_BITS / Long.SIZE;
  /** Bits set per hash, 9 bits of a second hash choosing each within the block. */
  private static final int PROBES = 6;

  private final long[] words;
  private final int blocks;
  private final long capacity;
  private long added;

  /** A filter sized for {@code capacity} hashes. */
  BlockedBloomFilter(long capacity) {
    this.capacity = Math.max(1, capacity);
    this.blocks = (int) Math.min(Integer.MAX_VALUE / WORDS_PER_BLOCK, (this.capacity * BITS_PER_HASH + BLOCK_BITS - 1) / BLOCK_BITS);
    this.words = new long[blocks * WORDS_PER_BLOCK];
  }

  /** The memory a filter for {@code capacity} hashes takes. */
  static long bytesFor(long capacity) {
    return Math.max(1, capacity) * BITS_PER_HASH / Byte.SIZE;
  }

  void add(long hash) {
    int base = blockOf(hash);
    long bits = mix(hash);
    for (int i = 0; i < PROBES; i++, bits >>>= 9) {
      int bit = (int) bits & (BLOCK_BITS - 1);
      words[base + (bit >>> 6)] |= 1L << bit;
    }
    added++;
  }

  boolean mightContain(long hash) {
    int base = blockOf(hash);
    long bits = mix(hash);
    for (int i = 0; i < PROBES; i++, bits >>>= 9) {
      int bit = (int) bits & (BLOCK_BITS - 1);
      if ((words[base + (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  boolean isFull() {
    return added >= capacity;
  }

  long capacity() {
    return capacity;
  }

  /** The high 32 bits choose the block (a multiply-shift onto {@code blocks}). */
  private int blockOf(long hash) {
    return (int) (((hash >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
  }

  /** A second hash, independent of the block's bits, for the positions within the block. */
  private static long mix(long hash) {
    return fmix64(hash ^ 0x9E3779B97F4A7C15L);
  }

  /** A 64-bit hash of a string: FNV-1a over its chars, then MurmurHash3's finaliser to spread the bits. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return fmix64(h);
  }

  private static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
