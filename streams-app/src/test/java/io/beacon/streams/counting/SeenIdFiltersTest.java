package io.beacon.streams.counting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeenIdFiltersTest {

  private static final long HOUR = 3_600_000;

  private static long id(String advertiser, int n) {
    return BlockedBloomFilter.hash(advertiser + '\n' + "event-" + n);
  }

  @Test
  void shouldFindEveryAddedIdAndFewOthersAtItsCapacity() {
    BlockedBloomFilter filter = new BlockedBloomFilter(100_000);
    for (int n = 0; n < 100_000; n++) {
      filter.add(id("adv-1", n));
    }
    int falsePositives = 0;
    for (int n = 0; n < 100_000; n++) {
      assertTrue(filter.mightContain(id("adv-1", n)), "added id " + n);
      if (filter.mightContain(id("adv-2", n))) {
        falsePositives++;
      }
    }
    assertTrue(falsePositives < 2_000, falsePositives + " false positives in 100,000");
    assertTrue(filter.isFull());
  }

  @Test
  void shouldGrowAChainWithinTheBoundAndStillFindEveryIdPastIt() {
    long maxBytes = 1024 * 1024;
    SeenIdFilters filters = new SeenIdFilters(() -> maxBytes);
    int ids = 2_000_000; // three times what the bound holds at 12 bits an id
    SplittableRandom random = new SplittableRandom(7);
    long[] hashes = random.longs(ids).toArray();
    for (long hash : hashes) {
      filters.add(HOUR, hash, 0);
    }
    assertTrue(filters.bytes() <= maxBytes, filters.bytes() + " bytes");
    assertTrue(filters.bytes() > maxBytes / 2, "the chain grew: " + filters.bytes() + " bytes");
    for (long hash : hashes) {
      assertTrue(filters.mightContain(HOUR, hash));
    }
  }

  @Test
  void shouldAnswerOnlyForTheBucketAnIdWasAddedToAndForgetExpiredBuckets() {
    SeenIdFilters filters = new SeenIdFilters(() -> 1024 * 1024);
    long hash = id("adv-1", 1);
    filters.add(HOUR, hash, 0);
    filters.add(2 * HOUR, id("adv-1", 2), 0);

    assertTrue(filters.mightContain(HOUR, hash));
    assertFalse(filters.mightContain(0, hash), "no filter, no id");
    assertFalse(filters.mightContain(2 * HOUR, hash));
    filters.forgetBefore(2 * HOUR);
    assertFalse(filters.mightContain(HOUR, hash));
    assertTrue(filters.mightContain(2 * HOUR, id("adv-1", 2)));
  }

  @Test
  void shouldSizeANewBucketForAsManyIdsAsTheNewestOneHeld() {
    SeenIdFilters filters = new SeenIdFilters(() -> 64L * 1024 * 1024);
    for (int n = 0; n < 100_000; n++) {
      filters.add(HOUR, id("adv-1", n), 0);
    }
    long first = filters.bytes();
    filters.add(2 * HOUR, id("adv-1", 0), 0);

    assertEquals(BlockedBloomFilter.bytesFor(100_000), filters.bytes() - first);
  }

  @Test
  void shouldDropTheOldestFiltersForRoomButNeverTheLiveOnes() {
    long maxBytes = 1024 * 1024; // about 700,000 ids
    SeenIdFilters filters = new SeenIdFilters(() -> maxBytes);
    addIds(filters, 0, 200_000, 0);
    addIds(filters, HOUR, 100_000, 0);
    assertTrue(maybeShare(filters, 0) < 0.05, "bucket 0 has its filter");

    // The hour after: bucket 0 is older than the live buckets, and its filter makes room for the newest.
    addIds(filters, 2 * HOUR, 250_000, HOUR);
    assertTrue(filters.bytes() <= maxBytes, filters.bytes() + " bytes");
    assertEquals(1.0, maybeShare(filters, 0), "a dropped filter answers maybe for any id");
    assertFound(filters, 2 * HOUR, 250_000);
    assertFound(filters, HOUR, 100_000);

    // No older filter is left: the newest bucket stops growing, and the live one before it keeps its filter.
    addIds(filters, 2 * HOUR, 1_000_000, HOUR);
    assertTrue(filters.bytes() <= maxBytes, filters.bytes() + " bytes");
    assertTrue(maybeShare(filters, HOUR) < 0.05, "a live bucket keeps its filter");
    assertFound(filters, HOUR, 100_000);
    assertFound(filters, 2 * HOUR, 1_000_000);
  }

  private static void addIds(SeenIdFilters filters, long bucket, int ids, long liveFrom) {
    for (int n = 0; n < ids; n++) {
      filters.add(bucket, id("adv-" + bucket, n), liveFrom);
    }
  }

  /** The share of 1,000 ids never added to the bucket that its filter may hold. */
  private static double maybeShare(SeenIdFilters filters, long bucket) {
    return IntStream.range(0, 1_000).filter(n -> filters.mightContain(bucket, id("absent", n))).count() / 1_000.0;
  }

  private static void assertFound(SeenIdFilters filters, long bucket, int ids) {
    for (int n = 0; n < ids; n++) {
      assertTrue(filters.mightContain(bucket, id("adv-" + bucket, n)), "id " + n + " of bucket " + bucket);
    }
  }
}
