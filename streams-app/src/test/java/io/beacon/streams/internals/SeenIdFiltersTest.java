package io.beacon.streams.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
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
  void shouldGrowABucketsChainWithinItsBoundAndStillFindEveryIdPastIt() {
    long maxBytes = 1024 * 1024;
    SeenIdFilters filters = new SeenIdFilters(() -> maxBytes);
    int ids = 2_000_000; // three times what the bound holds at 12 bits an id
    SplittableRandom random = new SplittableRandom(7);
    long[] hashes = random.longs(ids).toArray();
    for (long hash : hashes) {
      filters.add(HOUR, hash);
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
    filters.add(HOUR, hash);
    filters.add(2 * HOUR, id("adv-1", 2));

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
      filters.add(HOUR, id("adv-1", n));
    }
    long first = filters.bytes();
    filters.add(2 * HOUR, id("adv-1", 0));

    assertEquals(BlockedBloomFilter.bytesFor(100_000), filters.bytes() - first);
  }
}
