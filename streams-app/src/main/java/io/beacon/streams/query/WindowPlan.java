package io.beacon.streams.query;

import io.beacon.streams.Resolution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a time window is read from the count stores: as few buckets as possible, coarse in the middle
 * and fine at the edges, each run of equal-sized buckets one range scan. Where fine buckets have
 * expired (a 30-day window cannot start mid-day: minute buckets are kept 2 days, hour buckets 8)
 * the window widens to the enclosing coarse buckets; {@link #start()} and {@link #end()} say what
 * was actually covered.
 *
 * @param start first millisecond covered
 * @param end first millisecond not covered
 * @param runs consecutive buckets of one resolution, in time order
 */
public record WindowPlan(long start, long end, List<Run> runs) {

  /** {@link Resolution#values()}, which copies its array on every call: finest first. */
  private static final Resolution[] RESOLUTIONS = Resolution.values();

  /** Buckets {@code firstBucket..lastBucket} (bucket starts, inclusive) of one resolution. */
  public record Run(Resolution resolution, long firstBucket, long lastBucket) {}

  public Instant startInstant() {
    return Instant.ofEpochMilli(start);
  }

  public Instant endInstant() {
    return Instant.ofEpochMilli(end);
  }

  /**
   * Where a window of {@code length} asked to end at {@code end} does end: {@code end} rounded up
   * to the finest bucket size still kept for the window's whole span, so the window is summed
   * exactly. Up to a day or so back that is the minute that holds {@code end} (a window asked to
   * end at 09:51:00 ends then; at 09:51:30, with the minute, at 09:52:00); a 7-day window ends on
   * an hour boundary and a 30-day window on a day boundary, because finer buckets have expired by
   * their start.
   *
   * @param now the wall clock: what is older than a resolution's retention is not read from it
   */
  public static long alignedEnd(long end, long length, long now) {
    for (Resolution r : RESOLUTIONS) {
      long aligned = ceil(end, r.sizeMs());
      if (retained(r, aligned - length, now)) {
        return aligned;
      }
    }
    return ceil(end, Resolution.DAY.sizeMs());
  }

  private static long ceil(long t, long size) {
    return -Math.floorDiv(-t, size) * size;
  }

  /**
   * Plans {@code [start, end)}, using buckets no coarser than {@code coarsest}.
   *
   * @param now the wall clock: what is older than a resolution's retention is not read from it
   */
  public static WindowPlan of(long start, long end, Resolution coarsest, long now) {
    Resolution startResolution = finestRetained(start, coarsest, now);
    long t = startResolution.bucketStart(start);
    long coveredEnd = end;
    List<Run> runs = new ArrayList<>();
    // The run being extended; a Run is made only when it ends (a 1h window is 60 minute buckets).
    Resolution runResolution = null;
    long runFirst = 0;
    while (t < coveredEnd) {
      Resolution chosen = null;
      for (int i = coarsest.ordinal(); i >= 0 && chosen == null; i--) {
        Resolution r = RESOLUTIONS[i];
        if (t % r.sizeMs() == 0 && t + r.sizeMs() <= coveredEnd && retained(r, t, now)) {
          chosen = r;
        }
      }
      if (chosen == null) {
        // No bucket fits exactly (fine ones expired here): take the finest kept one and widen.
        chosen = finestRetained(t, coarsest, now);
        coveredEnd = t + chosen.sizeMs();
      }
      if (chosen != runResolution) {
        if (runResolution != null) {
          runs.add(new Run(runResolution, runFirst, t - runResolution.sizeMs()));
        }
        runResolution = chosen;
        runFirst = t;
      }
      t += chosen.sizeMs();
    }
    if (runResolution != null) {
      runs.add(new Run(runResolution, runFirst, t - runResolution.sizeMs()));
    }
    return new WindowPlan(startResolution.bucketStart(start), Math.max(coveredEnd, t), List.copyOf(runs));
  }

  private static Resolution finestRetained(long t, Resolution coarsest, long now) {
    for (Resolution r : RESOLUTIONS) {
      if (retained(r, r.bucketStart(t), now) || r == coarsest) {
        return r;
      }
    }
    return coarsest;
  }

  /** Whether the whole bucket of {@code r} starting at {@code bucket} is still kept. */
  private static boolean retained(Resolution r, long bucket, long now) {
    return bucket >= now - r.retentionMs() + r.sizeMs();
  }
}
