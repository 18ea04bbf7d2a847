package io.beacon.streams.predict;

/** What click attribution did with a counted impression or click; each is a metric. */
public enum Attribution {
  /** An impression with a user, now waiting for a click within the attribution window. */
  IMPRESSION_PENDING,
  /** An impression without a user id: no click can be attributed to it, and it teaches nothing. */
  IMPRESSION_WITHOUT_USER,
  /** A click attributed to its user's latest impression of the product, which will be a clicked example. */
  CLICK_ATTRIBUTED,
  /**
   * A click with no impression to attribute it to: no user id, no impression of the product by the
   * user within the window before it, or one already clicked or closed.
   */
  CLICK_UNATTRIBUTED;

  /** The metric's label: {@code click_attributed}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
