package io.beacon.streams;

import java.time.Duration;
import java.util.Optional;

/**
 * The three bucket sizes counts are kept at. Long windows are summed from coarse buckets, so a
 * 30-day query reads about 30 values per product instead of 43,200.
 */
public enum Resolution {
  MINUTE(0, Duration.ofMinutes(1), Duration.ofDays(2)),
  HOUR(1, Duration.ofHours(1), Duration.ofDays(8)),
  DAY(2, Duration.ofDays(1), Duration.ofDays(35));

  private final byte code;
  private final long sizeMs;
  private final long retentionMs;

  Resolution(int code, Duration size, Duration retention) {
    this.code = (byte) code;
    this.sizeMs = size.toMillis();
    this.retentionMs = retention.toMillis();
  }

  /** The byte that stands for this resolution in store keys; never renumber. */
  public byte code() {
    return code;
  }

  public long sizeMs() {
    return sizeMs;
  }

  /** How long buckets of this size are kept, measured back from stream time. */
  public long retentionMs() {
    return retentionMs;
  }

  /** The start of the bucket that holds {@code timeMs}. */
  public long bucketStart(long timeMs) {
    return Math.floorDiv(timeMs, sizeMs) * sizeMs;
  }

  /** The next coarser resolution, whose buckets each hold whole buckets of this one; empty for days. */
  public Optional<Resolution> coarser() {
    Resolution[] all = values();
    return ordinal() + 1 < all.length ? Optional.of(all[ordinal() + 1]) : Optional.empty();
  }

  /**
   * The start of the oldest bucket of this resolution still kept at {@code streamTime}: expiry
   * deletes older ones, and an event older than it is not counted at this resolution.
   */
  public long oldestKept(long streamTime) {
    return bucketStart(streamTime - retentionMs);
  }

  /** The longest retention of all resolutions: nothing older is kept anywhere. */
  public static long longestRetentionMs() {
    return DAY.retentionMs;
  }
}
