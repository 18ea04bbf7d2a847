package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.service.deploy.OpsRulesTest;
import io.beacon.streams.BeaconTopics;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Beacon end to end on a real broker: known events in through Kafka, exact answers out over HTTP,
 * and the same answers after a restart on the same state.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BeaconApiIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  private static final ObjectMapper JSON = BeaconUnderTest.JSON;
  private static final BeaconTopics TOPICS = new BeaconTopics("beacon.");
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
  private static BeaconUnderTest beacon;
  /** Events the test sent that must be counted. */
  private static int expectedAccepted;

  @BeforeAll
  static void startBeacon() throws Exception {
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.stream-threads", 2));
    beacon.start();
    sendKnownTraffic();
  }

  @AfterAll
  static void stopBeacon() {
    beacon.close();
  }

  private static void sendKnownTraffic() throws Exception {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      advertiser(producer, "adv-a", AdvertiserStatus.ACTIVE);
      advertiser(producer, "adv-off", AdvertiserStatus.INACTIVE);
      producer.flush();
      // The advertisers table is read by its own thread: events sent before it has them would be
      // rejected UNKNOWN_ADVERTISER (the likely cause of a timeout below, seen once on 2026-12-02).
      BeaconUnderTest.await("advertisers in the table", () ->
          get("/v1/advertisers/adv-a").statusCode() == 200 && get("/v1/advertisers/adv-off").statusCode() == 200);
      List<AdEvent> events = new ArrayList<>();
      Instant t = NOW.minus(Duration.ofMinutes(3));
      add(events, "p1", EventType.VIEW, 5, t);
      add(events, "p1", EventType.IMPRESSION, 200, t);
      add(events, "p1", EventType.CLICK, 30, t);
      add(events, "p2", EventType.VIEW, 9, t.plus(Duration.ofMinutes(1)));
      add(events, "p2", EventType.IMPRESSION, 150, t.plus(Duration.ofMinutes(1)));
      add(events, "p2", EventType.CLICK, 3, t.plus(Duration.ofMinutes(1)));
      add(events, "p3", EventType.VIEW, 1, t);
      add(events, "p3", EventType.IMPRESSION, 1, t);
      add(events, "p3", EventType.CLICK, 1, t);
      expectedAccepted = events.size();
      for (AdEvent e : events) {
        producer.send(new ProducerRecord<>(TOPICS.events(), "adv-a", BeaconSerdes.adEvent().serialize("", e)));
      }
      producer.send(new ProducerRecord<>(TOPICS.events(), "adv-a", BeaconSerdes.adEvent().serialize("", events.get(0)))); // duplicate
      AdEvent inactive = AdEvent.newBuilder(events.get(1)).setEventId("off-1").setAdvertiserId("adv-off").build();
      producer.send(new ProducerRecord<>(TOPICS.events(), "adv-off", BeaconSerdes.adEvent().serialize("", inactive)));
      producer.send(new ProducerRecord<>(TOPICS.events(), "adv-a", "garbage".getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static void advertiser(KafkaProducer<String, byte[]> producer, String id, AdvertiserStatus status) {
    Advertiser advertiser = Advertiser.newBuilder().setAdvertiserId(id).setName(id).setStatus(status).setUpdatedAt(NOW).build();
    producer.send(new ProducerRecord<>(TOPICS.advertisers(), id, BeaconSerdes.advertiser().serialize("", advertiser)));
  }

  private static void add(List<AdEvent> events, String product, EventType type, int count, Instant time) {
    for (int i = 0; i < count; i++) {
      events.add(AdEvent.newBuilder().setEventId(product + "-" + type + "-" + i).setType(type).setEventTime(time)
          .setAdvertiserId("adv-a").setProductId(product).build());
    }
  }

  @Test
  @Order(1)
  void shouldCountEveryEventExactlyAndRejectTheRestWithReasons() throws Exception {
    BeaconUnderTest.await("all events processed", () -> {
      JsonNode stats = json("/v1/stats");
      if (stats.at("/events/accepted").asLong() == expectedAccepted
          && stats.at("/events/rejected/DUPLICATE").asLong() == 1
          && stats.at("/events/rejected/INACTIVE_ADVERTISER").asLong() == 1) {
        return true;
      }
      throw new AssertionError("expected " + expectedAccepted + " accepted, 1 DUPLICATE, 1 INACTIVE_ADVERTISER; stats: " + stats);
    });
    JsonNode stats = json("/v1/stats");
    assertEquals(1, stats.get("active_advertisers").asLong());
    assertEquals("RUNNING", stats.get("streams_state").asText());

    List<ConsumerRecord<byte[], byte[]>> rejected = read(TOPICS.rejected(), 2);
    assertEquals(List.of("DUPLICATE", "INACTIVE_ADVERTISER"), rejected.stream()
        .map(r -> new String(r.headers().lastHeader("beacon.reason").value(), StandardCharsets.UTF_8)).sorted().toList());
    List<ConsumerRecord<byte[], byte[]>> dead = read(TOPICS.dlq(), 1);
    assertEquals("garbage", new String(dead.get(0).value(), StandardCharsets.UTF_8));
    assertTrue(new String(dead.get(0).headers().lastHeader("beacon.dlq.reason").value(), StandardCharsets.UTF_8).contains("cannot decode"));
  }

  @Test
  @Order(2)
  void shouldRankTopProductsAndSmoothedCtrWithRawCounts() throws Exception {
    JsonNode top = json("/v1/advertisers/adv-a/recommendations?model=top-products&window=15m&n=10");
    assertEquals("adv-a", top.get("advertiser_id").asText());
    assertEquals("top-products", top.get("model").asText());
    assertEquals(List.of("p2", "p1", "p3"), ids(top));
    JsonNode p2 = top.get("items").get(0);
    assertEquals(9, p2.get("views").asLong());
    assertEquals(150, p2.get("impressions").asLong());
    assertEquals(3, p2.get("clicks").asLong());
    assertEquals(0.02, p2.get("ctr").asDouble(), 1e-9);
    assertEquals(Instant.parse(top.at("/window/end").asText()).minus(Duration.ofMinutes(15)), Instant.parse(top.at("/window/start").asText()));

    // p3 (1 impression, 1 click) has too few impressions to be ranked by CTR.
    JsonNode ctr = json("/v1/advertisers/adv-a/recommendations?model=top-ctr&window=1h");
    assertEquals(List.of("p1", "p2"), ids(ctr));
    double prior = 34.0 / 351;
    assertEquals((30 + 100 * prior) / 300, ctr.get("items").get(0).get("score").asDouble(), 1e-9);

    assertEquals(json("/v1/advertisers/adv-a/recommendations?model=top-ctr&window=1h"), json("/recommendations/adv-a/TopCTR?window=1h"));
    assertEquals(List.of("p2"), ids(json("/v1/advertisers/adv-a/recommendations?n=1")));
  }

  @Test
  @Order(3)
  void shouldGiveTheStatsSeriesAndHistory() throws Exception {
    JsonNode stats = json("/v1/advertisers/adv-a/stats?window=15m&step=1m");
    assertEquals(15, stats.get("points").size());
    long views = 0;
    long impressions = 0;
    long clicks = 0;
    for (JsonNode point : stats.get("points")) {
      views += point.get("views").asLong();
      impressions += point.get("impressions").asLong();
      clicks += point.get("clicks").asLong();
    }
    assertEquals(List.of(15L, 351L, 34L), List.of(views, impressions, clicks));
    JsonNode minute = find(stats.get("points"), p -> p.get("start").asText().equals(NOW.minus(Duration.ofMinutes(3)).toString()));
    assertEquals(6, minute.get("views").asLong());
    assertEquals(201, minute.get("impressions").asLong());

    JsonNode history = json("/v1/advertisers/adv-a/history?days=7");
    assertEquals(7, history.get("days").size());
    JsonNode today = history.get("days").get(6);
    assertEquals(List.of("p2", "p1", "p3"), ids(today.get("top_products")));
    assertEquals(history, json("/history/adv-a/?days=7"));
  }

  @Test
  @Order(4)
  void shouldAnswerProblemsForUnknownAdvertisersAndBadParameters() throws Exception {
    HttpResponse<String> unknown = get("/v1/advertisers/nobody/recommendations");
    assertEquals(404, unknown.statusCode());
    assertEquals("application/problem+json", unknown.headers().firstValue("content-type").orElse(""));
    assertTrue(unknown.body().contains("nobody"), unknown.body());

    for (String bad : List.of("window=2h", "model=best", "n=0", "n=101", "n=ten", "n=", "at=yesterday", "at=2999-01-01T00:00:00Z", "at=-300000000-01-01T00:00:00Z")) {
      HttpResponse<String> response = get("/v1/advertisers/adv-a/recommendations?" + bad);
      assertEquals(400, response.statusCode(), bad);
      assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""), bad);
      String field = bad.substring(0, bad.indexOf('='));
      assertEquals(field, JSON.readTree(response.body()).at("/errors/0/field").asText(), bad);
    }
    assertTrue(get("/v1/advertisers/adv-a/recommendations?window=2h").body()
        .contains("must be one of 5m, 15m, 1h, 6h, 24h, 7d, 30d; was '2h'"), "windows listed shortest first");
    assertEquals(400, get("/v1/advertisers/adv-a/stats?window=1h&step=7m").statusCode());
    assertEquals(400, get("/v1/advertisers/adv-a/history?days=36").statusCode());
    assertEquals(400, get("/v1/advertisers/" + "x".repeat(129) + "/stats").statusCode());
  }

  @Test
  @Order(4)
  void shouldRefuseQueryParametersARouteDoesNotTakeListingTheOnesItDoes() throws Exception {
    Map<String, String> refused = Map.of(
        "/v1/advertisers/adv-a/recommendations?limit=3", "limit: is not a parameter of this route; it takes at, model, n, placement, window",
        "/v1/advertisers/adv-a/stats?windw=24h", "windw: is not a parameter of this route; it takes at, product, step, window",
        "/v1/advertisers/adv-a/history?day=3", "day: is not a parameter of this route; it takes days, n",
        "/v1/stats?verbose=1", "verbose: is not a parameter of this route, which takes none",
        "/v1/products?query=shoe", "query: is not a parameter of this route; it takes advertiser, limit, q",
        "/recommendations/adv-a/TopProducts?count=3", "count: is not a parameter of this route");
    for (Map.Entry<String, String> request : refused.entrySet()) {
      HttpResponse<String> response = get(request.getKey());
      assertEquals(400, response.statusCode(), request.getKey() + ": " + response.body());
      assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""), request.getKey());
      assertTrue(JSON.readTree(response.body()).path("detail").asText().startsWith(request.getValue()), response.body());
    }
    assertEquals(200, get("/v1/advertisers/adv-a/recommendations?model=top-products&window=1h&n=3").statusCode());
    assertEquals(200, get("/?refresh=1000").statusCode(), "the page's own parameters are its script's");
  }

  @Test
  @Order(5)
  void shouldExposeMetricsAndTheOpenApiSpec() throws Exception {
    HttpResponse<String> metrics = get("/prometheus");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("kafka_stream_"), "Kafka Streams metrics missing");
    assertTrue(metrics.body().contains("-StreamThread-2\""), "beacon.stream-threads 2 runs a second stream thread");
    assertTrue(metrics.body().contains("http_server_requests_seconds"), "request metrics missing");
    HttpResponse<String> ui = get("/swagger-ui/index.html");
    assertEquals(200, ui.statusCode());
    HttpResponse<String> spec = get("/swagger/beacon-v1.yml");
    assertEquals(200, spec.statusCode());
    assertTrue(spec.body().contains("/v1/advertisers/{adv}/recommendations"));

    // Text of at least 1 KiB is compressed for clients that accept it, and only for them.
    HttpResponse<byte[]> gzipped = beacon.getGzipped("/prometheus");
    assertEquals(Optional.of("gzip"), gzipped.headers().firstValue("Content-Encoding"));
    String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(unzipped.contains("http_server_requests_seconds"), "the gzipped metrics decode to the metrics");
    assertEquals(Optional.empty(), metrics.headers().firstValue("Content-Encoding"), "not asked for, not compressed");
    HttpResponse<byte[]> small = beacon.getGzipped("/v1/advertisers/adv-a/recommendations?n=1");
    assertEquals(200, small.statusCode());
    assertEquals(Optional.empty(), small.headers().firstValue("Content-Encoding"), "an answer under 1 KiB is sent as it is");
  }

  @Test
  @Order(5)
  void shouldRefuseToStartWithoutAStreamThread() throws Exception {
    try (BeaconUnderTest none = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.stream-threads", 0))) {
      String message = BeaconUnderTest.messages(assertThrows(Exception.class, none::start));
      assertTrue(message.contains("beacon.stream-threads must be at least 1, was 0 (BEACON_STREAM_THREADS)"), message);
    }
  }

  @Test
  @Order(5)
  void shouldExportEveryMetricTheAlertsAndTheDashboardUse() throws Exception {
    String rules = Files.readString(OpsRulesTest.ALERTS) + String.join("\n", OpsRulesTest.dashboardQueries());
    Matcher names = Pattern.compile("\\b((?:beacon|http_server|kafka|jvm)_[a-z0-9_]+)").matcher(rules);
    java.util.Set<String> used = new java.util.TreeSet<>();
    while (names.find()) {
      used.add(names.group(1));
    }
    assertTrue(used.size() >= 10, "names found: " + used);
    // beacon_advertiser_last_event_timestamp_seconds is refreshed 5 s after start, then every 15 s.
    BeaconUnderTest.await("every metric named in alerts.yml and beacon.json", () -> {
      String scraped = get("/prometheus").body();
      List<String> missing = used.stream().filter(name -> !Pattern.compile("(?m)^" + name + "[{ ]").matcher(scraped).find()).toList();
      assertEquals(List.of(), missing, "named in ops/ but not exported");
      return true;
    });
  }

  @Test
  @Order(5)
  void shouldAnswerTheProbesTheDeploymentsUse() throws Exception {
    String manifests = Files.readString(Path.of("../k8s/statefulset.yaml")) + Files.readString(Path.of("../Dockerfile"));
    Matcher paths = Pattern.compile("(/health/[a-z]+)").matcher(manifests);
    int probes = 0;
    while (paths.find()) {
      assertEquals(200, get(paths.group(1)).statusCode(), paths.group(1));
      probes++;
    }
    assertTrue(probes >= 3, "readiness and liveness in k8s, readiness in the Dockerfile");
  }

  @Test
  @Order(6)
  void shouldKeepEveryCountAcrossARestartOnTheSameState() throws Exception {
    // The same window before and after: unpinned, it would move on if the restart crossed a minute.
    String query = "/v1/advertisers/adv-a/recommendations?window=1h&at=" + Instant.now();
    JsonNode before = json(query);
    beacon.close();
    beacon.start();
    BeaconUnderTest.await("counts restored", () -> json("/v1/stats").at("/events/accepted").asLong() == expectedAccepted);
    assertEquals(before, json(query));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return beacon.get(path);
  }

  private static JsonNode json(String path) throws Exception {
    return beacon.json(path);
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
    return beacon.read(topic, count);
  }

  private static List<String> ids(JsonNode answer) {
    JsonNode items = answer.has("items") ? answer.get("items") : answer;
    List<String> ids = new ArrayList<>();
    items.forEach(item -> ids.add(item.get("product_id").asText()));
    return ids;
  }

  private static JsonNode find(JsonNode array, Predicate<JsonNode> test) {
    for (JsonNode node : array) {
      if (test.test(node)) {
        return node;
      }
    }
    throw new AssertionError("no element matches in " + array);
  }
}
