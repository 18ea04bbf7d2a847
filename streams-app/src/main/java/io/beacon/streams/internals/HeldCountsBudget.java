package io.beacon.streams.internals;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many counts the count processors of one Kafka Streams instance may keep held after a flush,
 * shared evenly among its tasks, so that memory is bounded per instance whatever the number of
 * partitions it runs (Kafka Streams' record cache, which the held counts replaced, was too).
 */
public final class HeldCountsBudget {

  /** Counts held by all tasks of an instance, per count store: about 60 MB at 200 bytes each. */
  public static final int DEFAULT_COUNTS = 300_000;

  private final int counts;
  private final AtomicInteger tasks = new AtomicInteger();

  public HeldCountsBudget(int counts) {
    this.counts = counts;
  }

  void join() {
    tasks.incrementAndGet();
  }

  void leave() {
    tasks.decrementAndGet();
  }

  /** The counts one task may keep held per count store now. */
  int perTask() {
    return counts / Math.max(1, tasks.get());
  }
}
