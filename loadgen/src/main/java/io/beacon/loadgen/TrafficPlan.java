package io.beacon.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What traffic to generate. The same plan (same seed) always gives the same records in the same
 * order, so a run can be repeated and its truth recomputed.
 *
 * @param seed seeds every random choice
 * @param events primary events (views and impressions); clicks, duplicates and bad records come on top
 * @param advertisers ACTIVE advertisers
 * @param products products per advertiser, popular by Zipf's law
 * @param start the first event time; events spread over {@link #SPAN}
 * @param kafka whether records go to Kafka directly (then invalid keys and garbage bytes are sent too)
 */
public record TrafficPlan(long seed, int events, int advertisers, int products, Instant start, boolean kafka) {

  /** Event times cover this long after {@code start}. */
  public static final Duration SPAN = Duration.ofHours(2);
  /** Out-of-order events are up to this much older than their place in the stream: well within the 1 h grace. */
  public static final Duration JITTER = Duration.ofMinutes(10);
  /** Late events are this much older than the stream: past the 1 h grace, rejected LATE. */
  public static final Duration LATENESS = Duration.ofHours(3);

  static final double DUPLICATE_RATE = 0.02;
  static final double LATE_RATE = 0.005;
  static final double INACTIVE_RATE = 0.01;
  static final double UNKNOWN_RATE = 0.005;
  static final double INVALID_RATE = 0.002;
  static final double GARBAGE_RATE = 0.001;
  static final int INACTIVE_ADVERTISERS = 2;

  public TrafficPlan {
    if (events < 1 || advertisers < 1 || products < 1 || products > 100) {
      throw new IllegalArgumentException("need events >= 1, advertisers >= 1 and 1 <= products <= 100 (top-N answers at most 100)");
    }
  }

  /** A plan whose events end an hour before now, so all are past and queries can use fixed windows. */
  public static TrafficPlan ending(Instant now, long seed, int events, int advertisers, int products, boolean kafka) {
    Instant start = now.truncatedTo(ChronoUnit.HOURS).minus(SPAN).minus(Duration.ofHours(1));
    return new TrafficPlan(seed, events, advertisers, products, start, kafka);
  }

  /** The end of the window that covers every counted event, for queries with {@code at=}. */
  public Instant queryAt() {
    return start.plus(SPAN).plus(Duration.ofMinutes(30));
  }

  /** Writes every advertiser of the plan, ACTIVE and INACTIVE, to the sink. */
  public void registerAdvertisers(Sink sink) throws Exception {
    for (int a = 0; a < advertisers; a++) {
      sink.advertiser(activeAdvertiser(a), "ACTIVE");
    }
    for (int a = 0; a < INACTIVE_ADVERTISERS; a++) {
      sink.advertiser(inactiveAdvertiser(a), "INACTIVE");
    }
  }

  public String activeAdvertiser(int i) {
    return "lg" + seed + "-adv-" + i;
  }

  public String inactiveAdvertiser(int i) {
    return "lg" + seed + "-off-" + i;
  }

  public String product(int i) {
    return "p" + i;
  }
}
