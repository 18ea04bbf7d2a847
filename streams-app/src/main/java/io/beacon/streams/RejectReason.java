package io.beacon.streams;

/** Why an event read from the events topic was not counted; sent as a header on the rejected topic. */
public enum RejectReason {
  /** No advertiser with this id on the advertisers topic. */
  UNKNOWN_ADVERTISER,
  /** The advertiser's status is INACTIVE. */
  INACTIVE_ADVERTISER,
  /** Older than the stream time minus the grace period: its window is closed. */
  LATE,
  /** The same event id was already counted within the dedup window. */
  DUPLICATE,
  /** A field is missing, too long, has control characters, or the time is in the future. */
  INVALID;

  /** The header on {@code events.rejected} records that carries the reason. */
  public static final String HEADER = "beacon.reason";
  /** The header on {@code events.rejected} records that explains the reason in words. */
  public static final String DETAIL_HEADER = "beacon.reason.detail";
}
