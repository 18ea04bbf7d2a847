package io.beacon.bench;

import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Planned;
import io.beacon.loadgen.TrafficGenerator;
import io.beacon.loadgen.TrafficPlan;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loadgen's seeded traffic (Zipf product popularity, clicks at a true CTR per product, duplicates,
 * late and inactive-advertiser events), written straight to Kafka as {@code loadgen --kafka} does,
 * with event times over the two hours up to now: a {@code window=1h} query then covers an hour
 * of it for the whole benchmark.
 *
 * @param advertisers the ACTIVE advertisers, each with counts
 * @param counted how many of the events Beacon must count (the rest it rejects)
 */
record RecentTraffic(List<String> advertisers, long counted) {

  /** Registers the advertisers, waits until every instance at {@code beaconUrls} knows them, then writes the events. */
  static RecentTraffic write(String bootstrap, List<String> beaconUrls, int events, int advertisers, int products,
      PrintStream out) throws Exception {
    TrafficPlan plan = new TrafficPlan(1, events, advertisers, products, Instant.now().minus(TrafficPlan.SPAN), false);
    List<String> ids = new ArrayList<>();
    for (int a = 0; a < advertisers; a++) {
      ids.add(plan.activeAdvertiser(a));
    }
    long[] written = {0, 0};
    long started = System.nanoTime();
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      plan.registerAdvertisers(sink);
      for (String url : beaconUrls) {
        for (String id : ids) {
          BeaconApi.awaitAdvertiser(url, id, Duration.ofSeconds(60));
        }
      }
      new TrafficGenerator(plan).generate(planned -> {
        try {
          sink.send(planned);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        written[0]++;
        written[1] += planned.outcome().equals(Planned.COUNTED) ? 1 : 0;
      });
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d events (%,d to be counted) for %d advertisers × %d products in %.1f s%n",
        written[0], written[1], advertisers, products, (System.nanoTime() - started) / 1e9);
    return new RecentTraffic(List.copyOf(ids), written[1]);
  }
}
