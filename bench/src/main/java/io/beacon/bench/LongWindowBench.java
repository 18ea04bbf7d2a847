package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Planned;
import io.beacon.streams.Resolution;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Top-N over long windows: one advertiser with many products (10,000 by default) and counts over
 * the last 30 days, queried with {@code window=7d} and {@code window=30d}. Such a query sums day
 * buckets in the middle and hour and minute buckets at the edges, per product, so its cost grows
 * with products × buckets. The events go straight to Kafka in event-time order, oldest first:
 * Beacon rejects an event older than its partition's stream time minus the 1 h grace as LATE.
 */
final class LongWindowBench {

  static final String ADVERTISER = "long-window-adv";
  private static final Duration SPAN = Duration.ofDays(30);

  private LongWindowBench() {}

  /** The {@code long-window} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 8);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int events = args.positive("--events", 100_000);
    int products = args.positive("--products", 10_000);
    args.rejectUnread();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
        BeaconInstance beacon = BeaconInstance.start("beacon", dir.resolve("beacon"), EmbeddedKafkaBroker.freePort(), "1g",
            options.jvmOptions(), Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()), BeaconInstance.READY_TIMEOUT)) {
      write(broker.bootstrapServers(), beacon.url(), events, products, out);
      // Minutes: replaying 30 days of event time, Beacon's dedup window store opens and drops a
      // RocksDB segment for every 2 hours of stream time (JFR: RocksDB.open under AbstractSegments).
      BeaconApi.awaitAccepted(beacon.url(), events, Duration.ofMinutes(10), out);
      List<String> weekPath = BeaconApi.recommendationPaths(List.of(ADVERTISER), "7d");
      List<String> monthPath = BeaconApi.recommendationPaths(List.of(ADVERTISER), "30d");
      for (String path : List.of(weekPath.get(0), monthPath.get(0))) {
        out.println("bench: " + path + " answers " + BeaconApi.getOk(beacon.url() + path).body());
      }
      Path scripts = Files.createDirectories(dir.resolve("wrk"));
      WarmUp.run("Beacon", List.of(beacon), options.warmUp(), time -> Wrk.cycle(beacon.url(), monthPath, options.connections(),
          time, scripts), out);
      out.printf("bench: %d runs each, %d connections, %d s per wrk run%n", options.runs(), options.connections(),
          options.duration().toSeconds());
      List<Wrk.Result> week = new ArrayList<>();
      List<Wrk.Result> month = new ArrayList<>();
      for (int i = 0; i < options.runs(); i++) {
        week.add(Runs.withCpu(out, "7d", List.of(beacon),
            () -> Wrk.cycle(beacon.url(), weekPath, options.connections(), options.duration(), scripts)));
        month.add(Runs.withCpu(out, "30d", List.of(beacon),
            () -> Wrk.cycle(beacon.url(), monthPath, options.connections(), options.duration(), scripts)));
      }
      String series = String.format(Locale.ROOT, ", %,d products, %d conn.", products, options.connections());
      LatencyChart.update(chart, List.of(
          LatencyChart.Series.of("Beacon top-N 7d" + series, week, "long-window"),
          LatencyChart.Series.of("Beacon top-N 30d" + series, month, "long-window")), out);
      return List.of(figure("7d", week, products, options.connections()), figure("30d", month, products, options.connections()));
    }
  }

  private static Figure figure(String window, List<Wrk.Result> runs, int products, int connections) {
    return new Figure(String.format(Locale.ROOT, "top-N `window=%s&n=10`, one advertiser with %,d products, "
            + "%d connections, p99 ms (p50, p99.9)", window, products, connections),
        String.format(Locale.ROOT, "%s (p50 %.2f, p99.9 %.2f)", Sample.of(runs, Wrk.Result::p99Ms).describe("%.2f"),
            Sample.of(runs, Wrk.Result::p50Ms).median(), Sample.of(runs, Wrk.Result::p999Ms).median()),
        "—", "—", "p99 ≤ 10 ms");
  }

  /**
   * Registers the advertiser, then writes {@code events} events evenly spaced over the last 30
   * days, oldest first: 40% views, 55% impressions, 5% clicks, each of a product drawn uniformly
   * at random. A query's cost grows with the (day, product) counts it sums, so their number is printed.
   */
  private static void write(String bootstrap, String beaconUrl, int events, int products, PrintStream out) throws Exception {
    Random random = new Random(1);
    Instant end = Instant.now();
    Instant start = end.minus(SPAN);
    long started = System.nanoTime();
    Set<Long> dayProducts = new HashSet<>();
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      sink.advertiser(ADVERTISER, "ACTIVE");
      BeaconApi.awaitAdvertiser(beaconUrl, ADVERTISER, Duration.ofSeconds(60));
      for (int i = 0; i < events; i++) {
        double kind = random.nextDouble();
        int product = random.nextInt(products);
        Instant time = start.plusMillis(SPAN.toMillis() * i / events);
        dayProducts.add(time.toEpochMilli() / Resolution.DAY.sizeMs() * products + product);
        AdEvent event = AdEvent.newBuilder()
            .setEventId("lw-e" + i)
            .setType(kind < 0.40 ? EventType.VIEW : kind < 0.95 ? EventType.IMPRESSION : EventType.CLICK)
            .setEventTime(time)
            .setAdvertiserId(ADVERTISER)
            .setProductId("p" + product)
            .build();
        sink.send(new Planned(ADVERTISER, event, null, Planned.COUNTED));
      }
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d events of %,d products over %d days (%,d day buckets of a product) in %.1f s%n",
        events, products, SPAN.toDays(), dayProducts.size(), (System.nanoTime() - started) / 1e9);
  }
}
