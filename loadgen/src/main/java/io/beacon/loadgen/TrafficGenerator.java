package io.beacon.loadgen;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Turns a {@link TrafficPlan} into records, each with the outcome Beacon must give it: views and
 * impressions with Zipf-distributed product popularity, clicks at a true CTR per product, repeated
 * pixel fires (DUPLICATE), out-of-order events within the grace period (counted), events far
 * behind the stream (LATE), events of INACTIVE and unknown advertisers, and, straight to Kafka,
 * records keyed by the wrong advertiser (INVALID) and garbage bytes (DLQ).
 */
public final class TrafficGenerator {

  private final TrafficPlan plan;
  private final Random random;
  private final double[] popularity;
  private final double[] trueCtr;

  public TrafficGenerator(TrafficPlan plan) {
    this.plan = plan;
    this.random = new Random(plan.seed());
    this.popularity = zipf(plan.products(), 1.1);
    this.trueCtr = new double[plan.products()];
    for (int p = 0; p < plan.products(); p++) {
      trueCtr[p] = 0.01 + 0.2 * new Random(plan.seed() * 31 + p).nextDouble();
    }
  }

  /** Sends every planned record to {@code out}, in the order they must be produced. */
  public void generate(Consumer<Planned> out) {
    long spanMs = TrafficPlan.SPAN.toMillis();
    BitSet seen = new BitSet(plan.advertisers());
    AdEvent previous = null;
    long id = 0;
    for (int i = 0; i < plan.events(); i++) {
      long offset = spanMs * i / plan.events();
      if (random.nextDouble() < 0.1) {
        offset = Math.max(0, offset - (long) (random.nextDouble() * TrafficPlan.JITTER.toMillis()));
      }
      Instant time = plan.start().plusMillis(offset);
      int a = random.nextInt(plan.advertisers());
      String advertiser = plan.activeAdvertiser(a);
      int p = sample(popularity);
      EventType type = random.nextDouble() < 0.4 ? EventType.VIEW : EventType.IMPRESSION;
      AdEvent event = event(id++, type, time, advertiser, plan.product(p));
      out.accept(new Planned(advertiser, event, null, Planned.COUNTED));
      seen.set(a);
      previous = event;
      if (type == EventType.IMPRESSION && random.nextDouble() < trueCtr[p]) {
        AdEvent click = event(id++, EventType.CLICK, time.plusSeconds(1), advertiser, plan.product(p));
        out.accept(new Planned(advertiser, click, null, Planned.COUNTED));
        previous = click;
      }

      if (random.nextDouble() < TrafficPlan.DUPLICATE_RATE) {
        out.accept(new Planned(previous.getAdvertiserId(), previous, null, "DUPLICATE"));
      }
      if (random.nextDouble() < TrafficPlan.LATE_RATE) {
        // Only an advertiser already seen: its partition's stream time is past this event's window.
        int late = seen.nextSetBit(random.nextInt(plan.advertisers()));
        late = late < 0 ? a : late;
        out.accept(new Planned(plan.activeAdvertiser(late),
            event(id++, EventType.VIEW, time.minus(TrafficPlan.LATENESS), plan.activeAdvertiser(late), plan.product(0)), null, "LATE"));
      }
      if (random.nextDouble() < TrafficPlan.INACTIVE_RATE) {
        String off = plan.inactiveAdvertiser(random.nextInt(TrafficPlan.INACTIVE_ADVERTISERS));
        out.accept(new Planned(off, event(id++, EventType.VIEW, time, off, plan.product(p)), null, "INACTIVE_ADVERTISER"));
      }
      if (random.nextDouble() < TrafficPlan.UNKNOWN_RATE) {
        String unknown = "lg" + plan.seed() + "-unknown-" + random.nextInt(10);
        out.accept(new Planned(unknown, event(id++, EventType.VIEW, time, unknown, plan.product(p)), null, "UNKNOWN_ADVERTISER"));
      }
      if (plan.kafka() && random.nextDouble() < TrafficPlan.INVALID_RATE) {
        // Keyed by another advertiser: it would be counted on the wrong partition.
        AdEvent wrong = event(id++, EventType.VIEW, time, advertiser, plan.product(p));
        out.accept(new Planned(plan.activeAdvertiser((a + 1) % plan.advertisers()) + "-x", wrong, null, "INVALID"));
      }
      if (plan.kafka() && random.nextDouble() < TrafficPlan.GARBAGE_RATE) {
        byte[] garbage = new byte[1 + random.nextInt(64)];
        random.nextBytes(garbage);
        garbage[0] = 0x7f; // never the single-object encoding marker
        out.accept(new Planned(advertiser, null, garbage, Planned.DLQ));
      }
    }
  }

  private AdEvent event(long id, EventType type, Instant time, String advertiser, String product) {
    return AdEvent.newBuilder()
        .setEventId("lg" + plan.seed() + "-e" + id)
        .setType(type)
        .setEventTime(time)
        .setAdvertiserId(advertiser)
        .setProductId(product)
        .setUserId("u" + random.nextInt(10_000))
        .build();
  }

  private int sample(double[] cumulative) {
    int index = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
  }

  /** Cumulative Zipf weights over {@code n} ranks. */
  private static double[] zipf(int n, double exponent) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    return cumulative;
  }
}
