package io.beacon.streams;

import io.beacon.avro.EventType;

/** Views, impressions and clicks in one bucket or window. */
public record Counts(long views, long impressions, long clicks) {

  public static final Counts ZERO = new Counts(0, 0, 0);

  public Counts plus(EventType type) {
    return switch (type) {
      case VIEW -> new Counts(views + 1, impressions, clicks);
      case IMPRESSION -> new Counts(views, impressions + 1, clicks);
      case CLICK -> new Counts(views, impressions, clicks + 1);
    };
  }

  public Counts plus(Counts other) {
    return new Counts(views + other.views, impressions + other.impressions, clicks + other.clicks);
  }

  /** Raw click-through rate, clicks / impressions; 0 without impressions. */
  public double ctr() {
    return impressions == 0 ? 0.0 : (double) clicks / impressions;
  }
}
