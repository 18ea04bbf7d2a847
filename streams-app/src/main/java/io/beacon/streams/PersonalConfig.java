package io.beacon.streams;

import java.time.Duration;

/**
 * The bounds and weights of personal recommendations (the {@code beacon.personal.*} settings).
 *
 * @param enabled whether counted events teach the model; off, every user gets the most viewed
 * @param historySize products kept per (advertiser, user), the least recently touched going first
 * @param historyTtl a product leaves a user's history this long after the user's newest interaction
 * @param coVisitWindow two products a user touched within this time of each other co-occur
 * @param maxNeighbours co-occurring products kept per product, the weakest going first
 * @param halfLife every count and affinity halves in this time
 * @param clickWeight a click's weight in a user's affinity to a product; a view weighs 1
 * @param occurrencesFreshFor how long a query reuses a candidate product's occurrences before
 *     reading them again; zero reads them on every query
 */
public record PersonalConfig(boolean enabled, int historySize, Duration historyTtl, Duration coVisitWindow, int maxNeighbours, Duration halfLife,
    double clickWeight, Duration occurrencesFreshFor) {

  public PersonalConfig {
    if (historySize < 1 || historySize > 1000) {
      throw new IllegalArgumentException("beacon.personal.history-size must be 1 to 1000, was " + historySize);
    }
    if (maxNeighbours < 1 || maxNeighbours > 10_000) {
      throw new IllegalArgumentException("beacon.personal.max-neighbours must be 1 to 10000, was " + maxNeighbours);
    }
    positive(historyTtl, "beacon.personal.history-ttl");
    positive(coVisitWindow, "beacon.personal.co-visit-window");
    positive(halfLife, "beacon.personal.half-life");
    if (!(clickWeight > 0) || Double.isInfinite(clickWeight)) {
      throw new IllegalArgumentException("beacon.personal.click-weight must be a positive number, was " + clickWeight);
    }
    if (occurrencesFreshFor == null || occurrencesFreshFor.isNegative() || occurrencesFreshFor.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("beacon.personal.occurrences-fresh-for must be 0 to 1m, was " + occurrencesFreshFor);
    }
  }

  /** The defaults {@code application.yml} documents. */
  public static PersonalConfig defaults() {
    return new PersonalConfig(true, 50, Duration.ofDays(30), Duration.ofHours(24), 200, Duration.ofDays(7), 3.0, Duration.ofSeconds(1));
  }

  /** The same settings with learning off. */
  public PersonalConfig disabled() {
    return new PersonalConfig(false, historySize, historyTtl, coVisitWindow, maxNeighbours, halfLife, clickWeight, occurrencesFreshFor);
  }

  private static void positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
    }
  }
}
