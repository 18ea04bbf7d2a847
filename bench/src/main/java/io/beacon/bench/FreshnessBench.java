package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Freshness: from {@code POST /v1/events} returning to the event showing in the answers, as a
 * client sees it. One Beacon instance on an embedded broker counts background traffic written
 * straight to Kafka at a steady rate, while a prober posts one view at a time, of a product whose
 * count it knows, by a user new to Beacon, and polls in turn the advertiser's recommendations until
 * the count shows and the user's personal recommendations until their history holds the view. Each
 * run is a new instance with its own topics and empty state.
 */
final class FreshnessBench {

  private static final String PROBE_ADVERTISER = "fresh-probe";
  private static final String PROBE_PRODUCT = "probe";
  private static final String RECOMMENDATIONS = "/v1/advertisers/" + PROBE_ADVERTISER + "/recommendations?window=1h&n=10";
  private static final String USER_RECOMMENDATIONS = "/v1/advertisers/" + PROBE_ADVERTISER + "/users/%s/recommendations?n=10";
  /**
   * Untimed probes before the timed ones, for at least {@link #WARM_UP} of background load: the
   * first creates the advertiser's counts; right after start the instance is still compiling and
   * catching up, and its first probes take seconds.
   */
  private static final int WARM_UP_PROBES = 20;
  private static final Duration WARM_UP = Duration.ofSeconds(30);
  /** Longest pause between probes, drawn at random so probes do not fall into step with the 100 ms commit interval. */
  private static final int MAX_PAUSE_MS = 100;
  /** Probes slower than this are printed as they happen, to show when stalls occur. */
  private static final double SLOW_MS = 1000;
  private static final Duration GIVE_UP = Duration.ofSeconds(300);

  /** The {@code freshness} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    int runs = args.positive("--runs", 3);
    int probes = args.positive("--probes", 400);
    int loadRate = args.positive("--load-rate", 2000);
    int pollMs = args.positive("--poll-ms", 1);
    args.rejectUnread();
    List<Double> p50s = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    List<Double> personalP99s = new ArrayList<>();
    List<Double> personalAll = new ArrayList<>();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      for (int run = 1; run <= runs; run++) {
        out.printf("bench: freshness run %d of %d: %d probes, background load %,d events/s straight to Kafka%n",
            run, runs, probes, loadRate);
        List<Probe> measured = run(broker.bootstrapServers(), dir, run, probes, loadRate, pollMs, out);
        List<Double> millis = measured.stream().map(Probe::countedMs).toList();
        List<Double> personalMillis = measured.stream().map(Probe::personalMs).toList();
        Percentiles p = new Percentiles(millis);
        Percentiles personal = new Percentiles(personalMillis);
        out.printf(Locale.ROOT, "bench:   post returned -> visible: p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f ms; "
            + "in the user's recommendations: p50 %.1f, p99 %.1f, max %.1f ms%n",
            p.at(50), p.at(99), p.at(99.9), p.max(), personal.at(50), personal.at(99), personal.max());
        p50s.add(p.at(50));
        p99s.add(p.at(99));
        all.addAll(millis);
        personalP99s.add(personal.at(99));
        personalAll.addAll(personalMillis);
      }
    }
    Percentiles pooled = new Percentiles(all);
    Percentiles personalPooled = new Percentiles(personalAll);
    String load = String.format(Locale.ROOT, "%,d events/s of background load", loadRate);
    return List.of(
        new Figure(String.format(Locale.ROOT, "freshness, `POST /v1/events` returned → visible in recommendations, p99 ms "
            + "(%d runs × %d probes, %s)", runs, probes, load), new Sample(p99s).describe("%.1f"), "—", "—", "p99 ≤ 300 ms"),
        new Figure("freshness, same, p50 ms", new Sample(p50s).describe("%.1f"), "—", "—", "—"),
        new Figure(String.format(Locale.ROOT, "freshness, all %,d probes pooled, ms", all.size()),
            String.format(Locale.ROOT, "p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f",
                pooled.at(50), pooled.at(99), pooled.at(99.9), pooled.max()), "—", "—", "p99 ≤ 300 ms"),
        new Figure(String.format(Locale.ROOT, "freshness of personal recommendations, the same post returned → its view in "
            + "the user's history (`users/{user}/recommendations`), p99 ms (%d runs × %d probes)", runs, probes),
            new Sample(personalP99s).describe("%.1f"), "—", "—", "p99 ≤ 200 ms"),
        new Figure(String.format(Locale.ROOT, "freshness of personal recommendations, all %,d probes pooled, ms",
            personalAll.size()),
            String.format(Locale.ROOT, "p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f", personalPooled.at(50),
                personalPooled.at(99), personalPooled.at(99.9), personalPooled.max()), "—", "—", "p99 ≤ 200 ms"));
  }

  /** One probe's times from the post's answer: to the count in the recommendations, to the view in the user's. */
  private record Probe(double countedMs, double personalMs) {}

  /** One run on a new instance with its own topic prefix and application id; the timed probes. */
  private static List<Probe> run(String bootstrap, Workspace dir, int run, int probes, int loadRate, int pollMs,
      PrintStream out) throws Exception {
    String prefix = "fresh" + run + ".";
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "BEACON_TOPIC_PREFIX", prefix,
        "BEACON_APPLICATION_ID", "fresh" + run);
    try (BeaconInstance instance = BeaconInstance.start("beacon-fresh" + run, dir.resolve("fresh" + run),
        EmbeddedKafkaBroker.freePort(), "1g", env)) {
      BeaconClient beacon = new BeaconClient(instance.url());
      beacon.registerAdvertiser(PROBE_ADVERTISER);
      List<Probe> millis = new ArrayList<>();
      try (SteadyLoad load = SteadyLoad.start(bootstrap, prefix, beacon, loadRate, 50, 100)) {
        long loadStarted = System.nanoTime();
        SplittableRandom random = new SplittableRandom(run);
        long views = 0;
        PrometheusMetrics warmedUp = null;
        for (int i = 0; millis.size() < probes; i++) {
          Thread.sleep(random.nextInt(MAX_PAUSE_MS));
          boolean warmUp = i < WARM_UP_PROBES || System.nanoTime() - loadStarted < WARM_UP.toNanos();
          Probe probe = probe(beacon, "probe-" + i, ++views, pollMs);
          if (!warmUp) {
            millis.add(probe);
          } else {
            warmedUp = beacon.prometheus();
          }
          if (Math.max(probe.countedMs(), probe.personalMs()) > SLOW_MS) {
            out.printf(Locale.ROOT, "bench:   probe %d%s took %,.0f ms (counted), %,.0f ms (personal)%n", i,
                warmUp ? " (warm-up)" : "", probe.countedMs(), probe.personalMs());
          }
        }
        double seconds = (System.nanoTime() - loadStarted) / 1e9;
        JsonNode stats = beacon.json("/v1/stats");
        out.printf(Locale.ROOT,
            "bench:   load: %,.0f events/s sent; Beacon counted %,d events, input lag at the end %,d records%n",
            load.sent() / seconds, stats.at("/events/accepted").asLong(), stats.at("/lag").asLong());
        PrometheusMetrics metrics = beacon.prometheus().since(warmedUp);
        double count = metrics.sum("beacon_freshness_seconds_count", Map.of());
        out.printf(Locale.ROOT,
            "bench:   beacon_freshness_seconds over the timed probes (collector accepted -> queryable, %,.0f events): "
                + "mean %.1f ms, p50 <= %.0f ms, p99 <= %.0f ms (histogram buckets)%n",
            count, 1000 * metrics.sum("beacon_freshness_seconds_sum", Map.of()) / count,
            1000 * metrics.quantileBound("beacon_freshness_seconds", 0.5).orElse(Double.NaN),
            1000 * metrics.quantileBound("beacon_freshness_seconds", 0.99).orElse(Double.NaN));
      }
      out.println("bench:   " + transactionRetries(instance.log()));
      return millis;
    }
  }

  /**
   * How often the stream thread's transactional producer had a write refused and retried, by error:
   * CONCURRENT_TRANSACTIONS (the previous transaction was still completing) and the
   * OUT_OF_ORDER_SEQUENCE_NUMBER that can follow it coincided with the slow probes so far.
   */
  private static String transactionRetries(Path log) throws IOException {
    Map<String, Long> retries = new TreeMap<>();
    try (Stream<String> lines = Files.lines(log)) {
      lines.filter(l -> l.contains("Got error produce response")).forEach(l ->
          retries.merge(l.replaceAll(".*Error: (\\w+).*", "$1"), 1L, Long::sum));
    }
    return "produce errors the instance retried (its log): " + (retries.isEmpty() ? "none" : retries);
  }

  /**
   * Posts one view of the probe product by a new user, then polls the advertiser's recommendations
   * until they show {@code expectedViews} and the user's until their history holds the view, every
   * {@code pollMs}; milliseconds from the post's answer to the first answer that shows each.
   */
  private static Probe probe(BeaconClient beacon, String eventId, long expectedViews, int pollMs) throws Exception {
    String user = "user-" + eventId;
    beacon.send("POST", "/v1/events", "[{\"event_id\": \"" + eventId + "\", \"type\": \"view\", \"advertiser_id\": \""
        + PROBE_ADVERTISER + "\", \"product_id\": \"" + PROBE_PRODUCT + "\", \"user_id\": \"" + user + "\"}]", 202);
    long returned = System.nanoTime();
    double countedMs = -1;
    double personalMs = -1;
    while (countedMs < 0 || personalMs < 0) {
      if (System.nanoTime() - returned > GIVE_UP.toNanos()) {
        throw new IllegalStateException("event " + eventId + " not visible after " + GIVE_UP.toSeconds() + " s");
      }
      if (countedMs < 0 && views(beacon) >= expectedViews) {
        countedMs = (System.nanoTime() - returned) / 1e6;
      }
      if (personalMs < 0 && historySize(beacon, user) == 1) {
        personalMs = (System.nanoTime() - returned) / 1e6;
      }
      Thread.sleep(pollMs);
    }
    return new Probe(countedMs, personalMs);
  }

  /** How many products of the user's history their recommendations are drawn from. */
  private static long historySize(BeaconClient beacon, String user) throws Exception {
    HttpResponse<String> answer = beacon.request("GET", USER_RECOMMENDATIONS.formatted(user), null);
    if (answer.statusCode() == 404) {
      return 0; // before the advertiser's first counted event
    }
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("a user's recommendations answered " + answer.statusCode() + ": " + answer.body());
    }
    return BeaconClient.JSON.readTree(answer.body()).path("history_size").asLong();
  }

  /** The probe product's views in the last hour; 0 before the advertiser's first counted event (404). */
  private static long views(BeaconClient beacon) throws Exception {
    HttpResponse<String> answer = beacon.request("GET", RECOMMENDATIONS, null);
    if (answer.statusCode() == 404) {
      return 0;
    }
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("recommendations answered " + answer.statusCode() + ": " + answer.body());
    }
    for (JsonNode item : BeaconClient.JSON.readTree(answer.body()).get("items")) {
      if (item.get("product_id").asText().equals(PROBE_PRODUCT)) {
        return item.get("views").asLong();
      }
    }
    return 0;
  }
}
