package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Planned;
import io.beacon.loadgen.clicks.ClickModel;
import io.beacon.loadgen.clicks.ClickTraffic;
import io.beacon.loadgen.clicks.ShownImpression;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Click prediction's answers: {@code POST /v1/predict} with 100 candidates and with one, beside the
 * top-N of the same advertiser, run by run in turn, once a model learned from impressions and
 * clicks of the last hours drawn from the evaluation's click model and written straight to Kafka
 * oldest first.
 */
final class PredictBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ADVERTISERS = 4;
  private static final int PRODUCTS_PER_ADVERTISER = 1000;
  private static final Duration SPAN = Duration.ofHours(6);

  private PredictBench() {}

  /** The {@code predict} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 8);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int impressions = args.positive("--impressions", 300_000);
    args.rejectUnread();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
        BeaconInstance beacon = BeaconInstance.start("beacon", dir.resolve("beacon"), EmbeddedKafkaBroker.freePort(), "1g",
            options.jvmOptions(), Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "BEACON_PREDICT_PUBLISH_INTERVAL", "1s"),
            BeaconInstance.READY_TIMEOUT)) {
      ClickModel truth = new ClickModel(1, ADVERTISERS, PRODUCTS_PER_ADVERTISER);
      // Ending a quarter of an hour ago: a click comes up to 10 min after its impression, and none may be in the future.
      List<ShownImpression> shown = new ClickTraffic(truth, 2).impressions(impressions, Instant.now().minus(SPAN).minus(Duration.ofMinutes(15)),
          SPAN, Duration.ofMinutes(10), "pr-");
      long events = write(broker.bootstrapServers(), beacon, shown, out);
      BeaconApi.awaitAccepted(beacon.url(), events, Duration.ofMinutes(10), out);
      awaitChampion(beacon.url(), Duration.ofMinutes(2));

      String advertiser = ClickModel.advertiserId(0);
      String hundred = body(truth, advertiser, 100);
      String one = body(truth, advertiser, 1);
      Wrk.Request predictHundred = new Wrk.Request("POST", hundred, Map.of("Content-Type", "application/json"));
      Wrk.Request predictOne = new Wrk.Request("POST", one, Map.of("Content-Type", "application/json"));
      List<String> topPaths = BeaconApi.recommendationPaths(List.of(advertiser), "24h");
      out.println("bench: POST /v1/predict (1 candidate) answers " + BeaconApi.post(beacon.url() + "/v1/predict", one).body());
      out.println("bench: " + topPaths.get(0) + " answers " + BeaconApi.getOk(beacon.url() + topPaths.get(0)).body());
      Path scripts = Files.createDirectories(dir.resolve("wrk"));
      String predictUrl = beacon.url() + "/v1/predict";
      WarmUp.run("Beacon", List.of(beacon), options.warmUp(), time -> Wrk.run(predictUrl, predictHundred, options.connections(), time,
          scripts), out);
      out.printf("bench: %d runs each, %d connections, %d s per wrk run%n", options.runs(), options.connections(),
          options.duration().toSeconds());
      List<Wrk.Result> hundreds = new ArrayList<>();
      List<Wrk.Result> ones = new ArrayList<>();
      List<Wrk.Result> top = new ArrayList<>();
      for (int i = 0; i < options.runs(); i++) {
        hundreds.add(Runs.withCpu(out, "predict 100", List.of(beacon),
            () -> Wrk.run(predictUrl, predictHundred, options.connections(), options.duration(), scripts)));
        ones.add(Runs.withCpu(out, "predict 1", List.of(beacon),
            () -> Wrk.run(predictUrl, predictOne, options.connections(), options.duration(), scripts)));
        top.add(Runs.withCpu(out, "top-N 24h", List.of(beacon),
            () -> Wrk.cycle(beacon.url(), topPaths, options.connections(), options.duration(), scripts)));
      }
      String scale = String.format(Locale.ROOT, "%d conn.", options.connections());
      LatencyChart.update(chart, List.of(
          LatencyChart.Series.of("Beacon predict, 100 candidates, " + scale, hundreds, "predict"),
          LatencyChart.Series.of("Beacon predict, 1 candidate, " + scale, ones, "predict"),
          LatencyChart.Series.of("Beacon top-N 24h, " + scale, top, "predict")), out);
      String of = String.format(Locale.ROOT, "a model learned from %,d impressions over %d h, %d connections, ", impressions,
          SPAN.toHours(), options.connections());
      String topName = "top-N `window=24h&n=10` of the same advertiser";
      return List.of(
          Figure.versus(of + "`POST /v1/predict`, 100 candidates, p99 ms", Sample.of(hundreds, Wrk.Result::p99Ms),
              topName, Sample.of(top, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 5 ms"),
          Figure.versus(of + "`POST /v1/predict`, 1 candidate, req/s", Sample.of(ones, Wrk.Result::requestsPerSecond),
              topName, Sample.of(top, Wrk.Result::requestsPerSecond), "≥ 0.5×"),
          Figure.versus(of + "`POST /v1/predict`, 100 candidates, req/s", Sample.of(hundreds, Wrk.Result::requestsPerSecond),
              topName, Sample.of(top, Wrk.Result::requestsPerSecond), "—"));
    }
  }

  /** Registers the advertisers and writes the impressions and their clicks, oldest first; gives how many events. */
  private static long write(String bootstrap, BeaconInstance beacon, List<ShownImpression> shown, PrintStream out) throws Exception {
    long started = System.nanoTime();
    List<AdEvent> events = new ArrayList<>(shown.size() * 2);
    for (ShownImpression s : shown) {
      events.add(event(s, EventType.IMPRESSION, s.eventId(), s.at()));
      if (s.clicked()) {
        events.add(event(s, EventType.CLICK, s.eventId() + "-c", s.clickedAt()));
      }
    }
    events.sort(Comparator.comparing(AdEvent::getEventTime));
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      for (int a = 0; a < ADVERTISERS; a++) {
        sink.advertiser(ClickModel.advertiserId(a), "ACTIVE");
        BeaconApi.awaitAdvertiser(beacon.url(), ClickModel.advertiserId(a), Duration.ofSeconds(60));
      }
      for (AdEvent event : events) {
        sink.send(new Planned(event.getAdvertiserId(), event, null, Planned.COUNTED));
      }
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d impressions and clicks in %.1f s%n", events.size(), (System.nanoTime() - started) / 1e9);
    return events.size();
  }

  private static AdEvent event(ShownImpression s, EventType type, String id, Instant at) {
    return AdEvent.newBuilder().setEventId(id).setType(type).setEventTime(at).setAdvertiserId(s.advertiserId())
        .setProductId(s.productId()).setUserId(s.userId()).setPlacement(s.placement()).setContext(s.context()).build();
  }

  private static String body(ClickModel truth, String advertiser, int candidates) {
    ObjectNode body = JSON.createObjectNode().put("advertiser_id", advertiser).put("placement", ClickModel.PLACEMENTS.get(0));
    ObjectNode context = body.putObject("context");
    ClickModel.context(0, 0).forEach(context::put);
    ArrayNode list = body.putArray("candidates");
    for (int p = 0; p < candidates; p++) {
      list.addObject().put("product_id", truth.productId(p));
    }
    return body.toString();
  }

  private static void awaitChampion(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode models = JSON.readTree(BeaconApi.getOk(url + "/v1/models").body());
      if (models.path("champion").path("version").asLong() > 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no champion model within " + timeout.toSeconds() + " s: " + models);
      }
      Thread.sleep(200);
    }
  }
}
