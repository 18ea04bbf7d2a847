package io.beacon.streams.counting;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the count processors of one Kafka Streams instance may keep in memory, shared evenly among
 * its tasks, so that memory is bounded per instance whatever the number of partitions it runs:
 * counts held after a flush (Kafka Streams' record cache, which they replaced, was bounded too) and
 * the dedup store's Bloom filters.
 */
public final class TaskMemoryBudget {

  /** Counts held by all tasks of an instance, per count store: about 60 MB at 200 bytes each. */
  public static final int DEFAULT_HELD_COUNTS = 300_000;

  private final int heldCounts;
  private final long seenIdFilterBytes;
  private final AtomicInteger tasks = new AtomicInteger();

  public TaskMemoryBudget(int heldCounts, long seenIdFilterBytes) {
    this.heldCounts = heldCounts;
    this.seenIdFilterBytes = seenIdFilterBytes;
  }

  void join() {
    tasks.incrementAndGet();
  }

  void leave() {
    tasks.decrementAndGet();
  }

  /** The counts one task may keep held per count store now. */
  int heldCountsPerTask() {
    return heldCounts / tasks();
  }

  /** The bytes one task's dedup filters may take now. */
  long seenIdFilterBytesPerTask() {
    return seenIdFilterBytes / tasks();
  }

  private int tasks() {
    return Math.max(1, tasks.get());
  }
}
