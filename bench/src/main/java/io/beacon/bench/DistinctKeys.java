package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Events that each make a new (advertiser, product, minute) key: one view per product of every
 * advertiser in every minute, minute after minute, ending two minutes before now. Written in event
 * time order, so none falls behind stream time by more than the 1 h grace (LATE), and all within
 * the 2 days that minute buckets are kept.
 *
 * @param advertisers advertisers, {@code key-adv-0} ...
 * @param products products per advertiser
 * @param minutes consecutive minutes
 * @param start the first minute
 */
record DistinctKeys(int advertisers, int products, int minutes, Instant start) {

  static final int ADVERTISERS = 40;
  static final int PRODUCTS = 100;
  /** Minute buckets are kept 2 days from stream time; stay well inside, so a later load phase expires none. */
  static final int MAX_MINUTES = 45 * 60;

  /** At least {@code keys} keys over {@link #ADVERTISERS} × {@link #PRODUCTS} products, as few minutes as that takes. */
  static DistinctKeys atLeast(long keys, Instant now) {
    int minutes = (int) Math.ceil((double) keys / (ADVERTISERS * PRODUCTS));
    if (minutes > MAX_MINUTES) {
      throw new IllegalArgumentException("at most " + (long) MAX_MINUTES * ADVERTISERS * PRODUCTS
          + " keys fit in the 2 days minute buckets are kept");
    }
    return new DistinctKeys(ADVERTISERS, PRODUCTS, minutes,
        now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(minutes + 2L)));
  }

  long keys() {
    return (long) advertisers * products * minutes;
  }

  static String advertiser(int i) {
    return "key-adv-" + i;
  }

  /** The end of the last minute: a query {@code at} this time sees every event. */
  Instant end() {
    return start.plus(Duration.ofMinutes(minutes));
  }

  /** Event {@code i} of {@link #keys()}, in event-time order: minute {@code i / pairs}, spread over the minute. */
  AdEvent event(long i) {
    int pairs = advertisers * products;
    long minute = i / pairs;
    int pair = (int) (i % pairs);
    return AdEvent.newBuilder().setEventId("k-" + i).setType(EventType.VIEW)
        .setEventTime(start.plus(Duration.ofMinutes(minute)).plusMillis(pair * 60_000L / pairs))
        .setAdvertiserId(advertiser(pair % advertisers)).setProductId("p" + pair / advertisers).build();
  }
}
