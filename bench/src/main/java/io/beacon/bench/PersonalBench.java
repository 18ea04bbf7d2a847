package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Planned;
import io.beacon.loadgen.interactions.Interaction;
import io.beacon.loadgen.interactions.SyntheticInteractions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Personal recommendations at an advertiser's scale: one advertiser with many users and products
 * (100,000 and 10,000 by default) and their views and clicks of the last two days, from the
 * evaluation's synthetic generator, written straight to Kafka oldest first. Then wrk on a user's
 * recommendations and a product's related products, beside the advertiser's top-N over the same
 * 24 hours, run by run in turn; then RSS under a steady load of events by users new to Beacon, so
 * that the users Beacon has learned grow past a million while the memory should not.
 */
final class PersonalBench {

  static final String ADVERTISER = "personal-adv";
  private static final Duration SPAN = Duration.ofDays(2);
  /** Users and products queried in turn: enough that the answers do not come from one cache line. */
  private static final int QUERIED = 1000;

  private PersonalBench() {}

  /** The {@code personal} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 8);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int users = args.positive("--users", 100_000);
    int products = args.positive("--products", 10_000);
    int loadMinutes = args.positive("--load-minutes", 10);
    int loadRate = args.positive("--load-rate", 4000);
    int eventsPerUser = args.positive("--load-events-per-user", 2);
    int sampleSeconds = args.positive("--sample-seconds", 10);
    args.rejectUnread();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
        BeaconInstance beacon = BeaconInstance.start("beacon", dir.resolve("beacon"), EmbeddedKafkaBroker.freePort(), "1g",
            options.jvmOptions(), Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()), BeaconInstance.READY_TIMEOUT)) {
      List<Interaction> interactions = interactions(users, products);
      write(broker.bootstrapServers(), beacon, interactions, out);
      BeaconApi.awaitAccepted(beacon.url(), interactions.size(), Duration.ofMinutes(10), out);

      SplittableRandom random = new SplittableRandom(1);
      List<String> userPaths = new ArrayList<>();
      List<String> relatedPaths = new ArrayList<>();
      for (int i = 0; i < QUERIED; i++) {
        Interaction some = interactions.get(random.nextInt(interactions.size()));
        userPaths.add("/v1/advertisers/" + ADVERTISER + "/users/" + some.userId() + "/recommendations?n=10");
        relatedPaths.add("/v1/advertisers/" + ADVERTISER + "/products/" + some.productId() + "/related?n=10");
      }
      List<String> topPaths = BeaconApi.recommendationPaths(List.of(ADVERTISER), "24h");
      for (String path : List.of(userPaths.get(0), relatedPaths.get(0), topPaths.get(0))) {
        out.println("bench: " + path + " answers " + BeaconApi.getOk(beacon.url() + path).body());
      }
      Path scripts = Files.createDirectories(dir.resolve("wrk"));
      WarmUp.run("Beacon", List.of(beacon), options.warmUp(), time -> Wrk.cycle(beacon.url(), userPaths, options.connections(),
          time, scripts), out);
      out.printf("bench: %d runs each, %d connections, %d s per wrk run; %,d users and %,d products queried in turn%n",
          options.runs(), options.connections(), options.duration().toSeconds(), QUERIED, QUERIED);
      List<Wrk.Result> personal = new ArrayList<>();
      List<Wrk.Result> related = new ArrayList<>();
      List<Wrk.Result> top = new ArrayList<>();
      for (int i = 0; i < options.runs(); i++) {
        personal.add(Runs.withCpu(out, "user", List.of(beacon), () -> Wrk.cycle(beacon.url(), userPaths, options.connections(),
            options.duration(), scripts)));
        related.add(Runs.withCpu(out, "related", List.of(beacon),
            () -> Wrk.cycle(beacon.url(), relatedPaths, options.connections(), options.duration(), scripts)));
        top.add(Runs.withCpu(out, "top-N 24h", List.of(beacon), () -> Wrk.cycle(beacon.url(), topPaths, options.connections(),
            options.duration(), scripts)));
      }
      String scale = String.format(Locale.ROOT, "%,d users, %,d products, %d conn.", users, products, options.connections());
      LatencyChart.update(chart, List.of(
          LatencyChart.Series.of("Beacon a user's recommendations, " + scale, personal, "personal"),
          LatencyChart.Series.of("Beacon related products, " + scale, related, "personal"),
          LatencyChart.Series.of("Beacon top-N 24h, " + scale, top, "personal")), out);
      RssSeries rss = underLoad(broker.bootstrapServers(), beacon, loadRate, eventsPerUser, Duration.ofMinutes(loadMinutes),
          Duration.ofSeconds(sampleSeconds), out);
      String of = String.format(Locale.ROOT, "one advertiser, %,d users and %,d products, %,d views and clicks over 2 days, "
          + "%d connections, ", users, products, interactions.size(), options.connections());
      String topName = "top-N `window=24h&n=10` of the same advertiser";
      return List.of(
          Figure.versus(of + "`users/{user}/recommendations?n=10`, p99 ms", Sample.of(personal, Wrk.Result::p99Ms),
              topName, Sample.of(top, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 10 ms"),
          Figure.versus(of + "`products/{product}/related?n=10`, p99 ms", Sample.of(related, Wrk.Result::p99Ms),
              topName, Sample.of(top, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 5 ms"),
          Figure.versus(of + "`users/{user}/recommendations?n=10`, req/s", Sample.of(personal, Wrk.Result::requestsPerSecond),
              topName, Sample.of(top, Wrk.Result::requestsPerSecond), "—"),
          new Figure(String.format(Locale.ROOT, "memory, RSS every %d s over %d min of %,d events/s by users new to Beacon, "
                  + "%d events each (%,d users in all; -Xmx1g, 1 run)", sampleSeconds, loadMinutes, loadRate, eventsPerUser,
              (long) loadRate * loadMinutes * 60 / eventsPerUser), rss.describe(), "—", "—", "RSS flat with 1M users"));
    }
  }

  /**
   * The synthetic generator's interactions at the given scale, moved in time so that the newest
   * was a minute ago (a session may run past the generator's span, and Beacon refuses events from
   * the future).
   */
  private static List<Interaction> interactions(int users, int products) {
    List<Interaction> generated = new SyntheticInteractions(1, users, products, Math.max(1, products / 100), 5, 15, SPAN, 0.2,
        0.1,
        Instant.EPOCH).generate();
    long shift = Instant.now().minusSeconds(60).toEpochMilli() - generated.get(generated.size() - 1).time();
    return generated.stream().map(i -> new Interaction(i.line(), i.userId(), i.productId(), i.time() + shift,
        i.click())).toList();
  }

  /** Registers the advertiser and writes every interaction, oldest first, as a view or a click. */
  private static void write(String bootstrap, BeaconInstance beacon, List<Interaction> interactions,
      PrintStream out) throws Exception {
    long started = System.nanoTime();
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      sink.advertiser(ADVERTISER, "ACTIVE");
      BeaconApi.awaitAdvertiser(beacon.url(), ADVERTISER, Duration.ofSeconds(60));
      for (Interaction interaction : interactions) {
        AdEvent event = AdEvent.newBuilder()
            .setEventId("pb-" + interaction.line())
            .setType(interaction.click() ? EventType.CLICK : EventType.VIEW)
            .setEventTime(Instant.ofEpochMilli(interaction.time()))
            .setAdvertiserId(ADVERTISER)
            .setProductId(interaction.productId())
            .setUserId(interaction.userId())
            .build();
        sink.send(new Planned(ADVERTISER, event, null, Planned.COUNTED));
      }
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d views and clicks over %d days in %.1f s%n", interactions.size(), SPAN.toDays(),
        (System.nanoTime() - started) / 1e9);
  }

  /** RSS every {@code sample} while a steady load of events by new users runs for {@code duration}. */
  private static RssSeries underLoad(String bootstrap, BeaconInstance instance, int rate, int eventsPerUser, Duration duration,
      Duration sample, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "bench: memory: %,d events/s by new users (%d events each) for %d min, RSS every %d s%n", rate,
        eventsPerUser, duration.toMinutes(), sample.toSeconds());
    RssSeries series = new RssSeries();
    BeaconClient beacon = new BeaconClient(instance.url());
    PrometheusMetrics before = beacon.prometheus();
    long started = System.nanoTime();
    try (SteadyLoad load = SteadyLoad.start(bootstrap, "beacon.", beacon, rate, 1, 10_000, eventsPerUser)) {
      while (System.nanoTime() - started < duration.toNanos()) {
        long rss = instance.rssBytes();
        series.add(rss);
        out.printf(Locale.ROOT, "bench:   %3.0f s: sent %,d events (%,d users), RSS %,.0f MiB%n",
            (System.nanoTime() - started) / 1e9, load.sent(), load.sent() / eventsPerUser, rss / (1024.0 * 1024));
        Thread.sleep(sample.toMillis());
      }
      series.add(instance.rssBytes());
    }
    JsonNode stats = beacon.json("/v1/stats");
    out.printf(Locale.ROOT, "bench: memory: %s; %s; Beacon's input lag at the end %,d records%n", series.describe(),
        RssSeries.insideTheProcess(before, beacon.prometheus()), stats.at("/lag").asLong());
    return series;
  }
}
