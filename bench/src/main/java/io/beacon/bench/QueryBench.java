package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Top-N query throughput and latency: {@code GET /v1/advertisers/{adv}/recommendations?window=1h&n=10}
 * with wrk on one Beacon instance, which owns every advertiser, beside Redis answering ZREVRANGE of
 * a sorted set as large as an advertiser's catalog (redis-benchmark) and nginx serving a static
 * 400-byte JSON (wrk), run by run in turn so all three see the same machine. The load generator
 * runs on the same 2 cores as the server it loads, for all three alike.
 */
final class QueryBench {

  static final String STATIC_JSON = "recommendations.json";

  private QueryBench() {}

  /** The {@code query} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 64);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int events = args.positive("--events", 100_000);
    int advertisers = args.positive("--advertisers", 20);
    int products = args.positive("--products", 100);
    int redisRequests = args.positive("--redis-requests", 500_000);
    args.rejectUnread();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
        BeaconInstance beacon = BeaconInstance.start("beacon", dir.resolve("beacon"), EmbeddedKafkaBroker.freePort(), "1g",
            options.jvmOptions(), Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()), BeaconInstance.READY_TIMEOUT);
        RedisServer redis = RedisServer.start(dir.resolve("redis"), false);
        NginxServer nginx = NginxServer.start(dir.resolve("nginx"), STATIC_JSON, staticJson(400))) {
      RecentTraffic traffic = RecentTraffic.write(broker.bootstrapServers(), List.of(beacon.url()), events, advertisers,
          products, out);
      BeaconApi.awaitAccepted(beacon.url(), traffic.counted(), Duration.ofMinutes(3), out);
      List<String> paths = BeaconApi.recommendationPaths(traffic.advertisers(), "1h");
      Path scripts = Files.createDirectories(dir.resolve("wrk"));
      out.printf("bench: a query answers %,d bytes of JSON, e.g. %s%n",
          BeaconApi.getOk(beacon.url() + paths.get(0)).body().length(), paths.get(0));

      // The sorted set a Redis user would keep per advertiser: one member per product.
      Map<String, Long> scores = new LinkedHashMap<>();
      for (int p = 0; p < products; p++) {
        scores.put("p" + p, 1_000_000L / (p + 1));
      }
      redis.sortedSet("top:adv", scores);
      String[] zrevrange = {"ZREVRANGE", "top:adv", "0", "9", "WITHSCORES"};
      try (var jedis = redis.connect()) {
        out.println("bench: Redis answers " + jedis.zrevrangeWithScores("top:adv", 0, 9).size() + " members to "
            + String.join(" ", zrevrange));
      }

      WarmUp.run("Beacon", List.of(beacon), options.warmUp(), time -> Wrk.cycle(beacon.url(), paths, options.connections(), time,
          scripts), out);
      List<Wrk.Result> beaconRuns = new ArrayList<>();
      List<Wrk.Result> redisRuns = new ArrayList<>();
      List<Wrk.Result> nginxRuns = new ArrayList<>();
      out.printf("bench: %d runs each, %d connections (Redis: %d clients, %,d requests), %d s per wrk run; "
          + "%d advertisers in turn%n", options.runs(), options.connections(), options.connections(), redisRequests,
          options.duration().toSeconds(), paths.size());
      for (int i = 0; i < options.runs(); i++) {
        beaconRuns.add(Runs.withCpu(out, "beacon", List.of(beacon),
            () -> Wrk.cycle(beacon.url(), paths, options.connections(), options.duration(), scripts)));
        redisRuns.add(Runs.report(out, "redis", redis.benchmark(options.connections(), redisRequests, zrevrange)));
        nginxRuns.add(Runs.report(out, "nginx", Wrk.run(nginx.url(STATIC_JSON), Wrk.Request.GET, options.connections(),
            options.duration(), scripts)));
      }
      LatencyChart.update(chart, List.of(
          LatencyChart.Series.of("Beacon top-N 1h, 1 instance, " + options.connections() + " conn.", beaconRuns, "query"),
          LatencyChart.Series.of("Redis ZREVRANGE 0 9, " + options.connections() + " clients", redisRuns, "query"),
          LatencyChart.Series.of("nginx static 400 B JSON, " + options.connections() + " conn.", nginxRuns, "query")), out);
      String name = String.format(Locale.ROOT, "top-N query `window=1h&n=10`, %d connections, owner local, ",
          options.connections());
      return List.of(
          Figure.versus(name + "req/s", Sample.of(beaconRuns, Wrk.Result::requestsPerSecond),
              "nginx static 400 B JSON", Sample.of(nginxRuns, Wrk.Result::requestsPerSecond), "≥ 50k req/s; ≥ 0.35× nginx"),
          Figure.versus(name + "p99 ms", Sample.of(beaconRuns, Wrk.Result::p99Ms),
              "nginx static 400 B JSON", Sample.of(nginxRuns, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 2 ms"),
          Figure.versus(name + "req/s", Sample.of(beaconRuns, Wrk.Result::requestsPerSecond),
              "Redis `ZREVRANGE key 0 9 WITHSCORES`", Sample.of(redisRuns, Wrk.Result::requestsPerSecond), "—"),
          Figure.versus(name + "p99 ms", Sample.of(beaconRuns, Wrk.Result::p99Ms),
              "Redis `ZREVRANGE key 0 9 WITHSCORES`", Sample.of(redisRuns, Wrk.Result::p99Ms), "%.2f", "—"));
    }
  }

  /** A JSON body of exactly {@code bytes} bytes, shaped like a short recommendations answer. */
  static String staticJson(int bytes) {
    StringBuilder json = new StringBuilder("{\"advertiser_id\":\"adv-1\",\"model\":\"top-products\",\"items\":[");
    for (int i = 0; json.length() < bytes - 60; i++) {
      json.append(i == 0 ? "" : ",").append("{\"product_id\":\"p").append(i).append("\",\"views\":").append(1000 - i).append('}');
    }
    json.append("]}");
    return json + " ".repeat(bytes - json.length());
  }
}
