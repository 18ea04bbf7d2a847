package io.beacon.streams;

/** Views, impressions and clicks in one bucket or window. */
public record Counts(long views, long impressions, long clicks) {

  public static final Counts ZERO = new Counts(0, 0, 0);

  public Counts plus(Counts other) {
    return new Counts(views + other.views, impressions + other.impressions, clicks + other.clicks);
  }

  /** Raw click-through rate, clicks / impressions; 0 without impressions. */
  public double ctr() {
    return impressions == 0 ? 0.0 : (double) clicks / impressions;
  }
}
