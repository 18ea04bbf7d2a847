package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.kafka.embedded.EmbeddedKafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dedup guarantee across a task's restarts, with Beacon as its own OS process: ids counted
 * before a SIGKILL, a clean stop, a rebalance that moves a task, or a standby's promotion are
 * rejected as DUPLICATE when a client resends them afterwards (as it does after a 503), and every
 * count stays at one. A restart after a clean stop restores no task store and logs no ERROR, and
 * neither a rebalance nor the takeover of a dead instance's tasks logs one. The personal model
 * comes back from its changelogs after a SIGKILL as it was.
 */
@Tag("integration")
class RestartIT {

  static final int ADVERTISERS = 12;
  static final int EVENTS = 200;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** A line Beacon logs when it restored records into one of the counting task's stores. */
  private static final Pattern TASK_STORE_RESTORED =
      Pattern.compile("restored store (event-ids|product-counts|advertiser-counts|counted-advertisers|event-totals) ");

  /** What each task logs when it starts: the ids it found in its dedup store. */
  private static final Pattern FILTER_FILL = Pattern.compile("dedup filters filled from (\\d+) stored event ids");

  static Path dir;
  static EmbeddedKafkaCluster kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    dir = Path.of("target", "restart-" + System.currentTimeMillis()).toAbsolutePath();
    kafka = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 1);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
  void shouldRejectEveryResendOfIdsCountedBeforeASigkill(String guarantee) throws Exception {
    try (BeaconProcess beacon = instance("kill-" + guarantee, Map.of("BEACON_PROCESSING_GUARANTEE", guarantee))) {
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      String batch = registerAndBatch(beacon, "k");
      assertEquals(202, post(beacon, batch).statusCode());
      awaitTotals(beacon, EVENTS, 0);
      Thread.sleep(1_000); // past the commit interval: the ids and counts are committed

      beacon.kill();
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      assertEquals(202, post(beacon, batch).statusCode());

      // Under at_least_once the input since the last commit (every 30 s) is read again after the
      // kill: the ids stored for it reject it as DUPLICATE too, so the counts hold once.
      awaitTotals(beacon, EVENTS, EVENTS, guarantee.equals("exactly_once_v2"));
      assertEachProductCountedOnce(beacon, "k");
    }
  }

  @Test
  void shouldRestoreNothingAndLogNoErrorAfterACleanStop() throws Exception {
    try (BeaconProcess beacon = instance("clean", Map.of())) {
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      String batch = registerAndBatch(beacon, "c");
      assertEquals(202, post(beacon, batch).statusCode());
      awaitTotals(beacon, EVENTS, 0);

      beacon.close(); // SIGTERM: Kafka Streams commits and closes every task cleanly
      long before = Files.size(beacon.log());
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      assertEquals(202, post(beacon, batch).statusCode());
      awaitTotals(beacon, EVENTS, EVENTS);

      String restart = Files.readString(beacon.log()).substring((int) before);
      List<String> errors = restart.lines().filter(line -> line.contains(" ERROR ")).toList();
      assertEquals(List.of(), errors, "no ERROR after a clean restart");
      List<String> restored = restart.lines().filter(line -> TASK_STORE_RESTORED.matcher(line).find()).toList();
      assertEquals(List.of(), restored, "no task store restored after a clean stop");
      assertEquals(EVENTS, FILTER_FILL.matcher(restart).results().mapToLong(fill -> Long.parseLong(fill.group(1))).sum(),
          "the tasks' filters were filled from their stores");
      assertEachProductCountedOnce(beacon, "c");
    }
  }

  @Test
  void shouldRejectResendsAfterATaskMovesAndAfterAStandbyIsPromoted() throws Exception {
    String applicationId = "restart-moves-" + UUID.randomUUID();
    Map<String, String> group = Map.of("BEACON_APPLICATION_ID", applicationId, "BEACON_TOPIC_PREFIX", applicationId + ".",
        "BEACON_STANDBY_REPLICAS", "1", "BEACON_SESSION_TIMEOUT", "10s");
    List<BeaconProcess> instances = new ArrayList<>();
    try {
      for (String name : List.of("move-a", "move-b")) {
        BeaconProcess instance = instance(name, group);
        instance.start();
        instances.add(instance);
      }
      for (BeaconProcess instance : instances) {
        instance.awaitReady(Duration.ofMinutes(3));
      }
      BeaconProcess b = instances.get(1);
      String batch = registerAndBatch(b, "m");
      assertEquals(202, post(b, batch).statusCode());
      awaitTotals(b, EVENTS, 0);
      Map<String, String> owners = owners(b, "m");

      // A third instance joins: the rebalance moves tasks to it.
      BeaconProcess c = instance("move-c", group);
      c.start();
      instances.add(c);
      c.awaitReady(Duration.ofMinutes(3));
      BeaconUnderTest.await("tasks moved to the third instance", () -> owners(b, "m").containsValue(c.address()));
      assertEquals(202, post(b, batch).statusCode());
      awaitTotals(b, EVENTS, EVENTS);
      assertNotEquals(owners, owners(b, "m"));

      // The first instance dies: its active tasks go to instances that kept standby copies.
      Map<String, String> beforeKill = owners(b, "m");
      BeaconProcess a = instances.get(0);
      a.kill();
      BeaconUnderTest.await("the first instance's tasks taken over", () -> !owners(b, "m").containsValue(a.address()));
      assertTrue(beforeKill.containsValue(a.address()), "the first instance held advertisers: " + beforeKill);
      assertEquals(202, post(b, batch).statusCode());
      awaitTotals(b, EVENTS, 2 * EVENTS);
      assertEachProductCountedOnce(b, "m");
      for (BeaconProcess survivor : List.of(b, c)) {
        assertEquals(List.of(), Files.readAllLines(survivor.log()).stream().filter(line -> line.contains(" ERROR ")).toList(),
            "a rebalance, and taking over a dead instance's tasks, log no ERROR");
      }
    } finally {
      for (BeaconProcess instance : instances) {
        instance.close();
      }
    }
  }

  /**
   * The personal model after a SIGKILL: restored from its changelogs (histories, and co-occurrence
   * records that max-neighbours 3 keeps pruning), it answers as before, and a resent batch, all
   * DUPLICATE, teaches it nothing.
   */
  @Test
  void shouldRestoreThePersonalModelAsItWasAfterASigkill() throws Exception {
    try (BeaconProcess beacon = instance("personal", Map.of("BEACON_PERSONAL_MAX_NEIGHBOURS", "3"))) {
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      registerActive(beacon, "pm");
      Random random = new Random(11);
      long eventTime = Instant.now().minusSeconds(60).toEpochMilli();
      StringJoiner events = new StringJoiner(",", "[", "]");
      int sent = 0;
      for (int user = 0; user < PERSONAL_USERS; user++) {
        for (int view = 0; view < 3 + random.nextInt(4); view++) {
          events.add("{\"event_id\": \"pm-" + sent++ + "\", \"type\": \"view\", \"advertiser_id\": \"pm\", \"user_id\": \"u" + user
              + "\", \"product_id\": \"q" + random.nextInt(PERSONAL_PRODUCTS) + "\", \"event_time\": " + (eventTime + sent * 10L) + "}");
        }
      }
      assertEquals(202, post(beacon, events.toString()).statusCode());
      awaitTotals(beacon, sent, 0);
      Map<String, List<Answered>> before = personalModel(beacon);
      assertTrue(before.values().stream().anyMatch(items -> items.size() == 3)
          && before.entrySet().stream().filter(e -> e.getKey().startsWith("related")).allMatch(e -> e.getValue().size() <= 3),
          "max-neighbours 3 bounds what related answers: " + before);
      Thread.sleep(1_000); // past the commit interval

      beacon.kill();
      long logged = Files.size(beacon.log());
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      assertTrue(Files.readString(beacon.log()).substring((int) logged).contains("restored store co-occurrences "),
          "the co-occurrence records came back from their changelog");
      assertSameAnswers(before, personalModel(beacon));
      assertEquals(202, post(beacon, events.toString()).statusCode());
      awaitTotals(beacon, sent, sent);
      assertSameAnswers(before, personalModel(beacon));
    }
  }

  /**
   * Click prediction after a SIGKILL while examples are being labelled and learned: every
   * impression (each of its own user and product, so each becomes exactly one example) is learned
   * once, none lost, none twice, and a resent batch, all DUPLICATE, teaches nothing.
   */
  @Test
  void shouldLearnEveryImpressionOnceAcrossASigkill() throws Exception {
    try (BeaconProcess beacon = instance("predict", Map.of("BEACON_PREDICT_PUBLISH_INTERVAL", "1s"))) {
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      registerActive(beacon, "pr");
      Instant start = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      String first = impressions(0, start, 300);
      String second = impressions(300, start.plus(Duration.ofMinutes(40)), 300); // closes the first batch's windows
      assertEquals(202, post(beacon, first).statusCode());
      assertEquals(202, post(beacon, second).statusCode());
      awaitTotals(beacon, 800, 0); // 600 impressions, 200 clicks

      beacon.kill();
      beacon.start();
      beacon.awaitReady(Duration.ofMinutes(3));
      assertEquals(202, post(beacon, second).statusCode());
      String closing = "[{\"event_id\": \"pr-close\", \"type\": \"view\", \"advertiser_id\": \"pr\", \"product_id\": \"x\","
          + " \"event_time\": \"" + start.plus(Duration.ofMinutes(80)) + "\"}]";
      assertEquals(202, post(beacon, closing).statusCode());
      awaitTotals(beacon, 801, 400);
      BeaconUnderTest.await("every impression learned", () -> json(beacon, "/v1/models").at("/models/0/latest/examples").asLong() >= 600);
      Thread.sleep(3_000); // versions published meanwhile would show a second learning
      JsonNode ftrl = json(beacon, "/v1/models").at("/models/0/latest");
      assertEquals(600, ftrl.path("examples").asLong(), ftrl.toString());
      assertEquals(200, ftrl.path("clicks").asLong(), ftrl.toString());
    }
  }

  /** {@code count} impressions from {@code start}, a second apart, each of its own user and product, every third clicked. */
  private static String impressions(int from, Instant start, int count) {
    StringJoiner events = new StringJoiner(",", "[", "]");
    for (int i = from; i < from + count; i++) {
      Instant at = start.plusSeconds(i - from);
      String who = "\"advertiser_id\": \"pr\", \"product_id\": \"p" + i + "\", \"user_id\": \"u" + i + "\", \"placement\": \"top\"";
      events.add("{\"event_id\": \"pr-" + i + "\", \"type\": \"impression\", " + who + ", \"event_time\": \"" + at + "\"}");
      if (i % 3 == 0) {
        events.add("{\"event_id\": \"pr-" + i + "-c\", \"type\": \"click\", " + who + ", \"event_time\": \""
            + at.plusSeconds(5) + "\"}");
      }
    }
    return events.toString();
  }

  private static final int PERSONAL_USERS = 40;
  private static final int PERSONAL_PRODUCTS = 12;

  /** A product and its score, or its co-visits. */
  private record Answered(String productId, double value) {}

  /** Every product's related products and every user's recommendations, by their paths. */
  private static Map<String, List<Answered>> personalModel(BeaconProcess beacon) throws Exception {
    Map<String, List<Answered>> answers = new HashMap<>();
    for (int product = 0; product < PERSONAL_PRODUCTS; product++) {
      String path = "related q" + product;
      answers.put(path, answered(json(beacon, "/v1/advertisers/pm/products/q" + product + "/related?n=100"), "together"));
    }
    for (int user = 0; user < PERSONAL_USERS; user++) {
      answers.put("user u" + user, answered(json(beacon, "/v1/advertisers/pm/users/u" + user + "/recommendations?n=5"), "score"));
    }
    return answers;
  }

  private static List<Answered> answered(JsonNode answer, String field) {
    List<Answered> items = new ArrayList<>();
    answer.path("items").forEach(item -> items.add(new Answered(item.path("product_id").asText(), item.path(field).asDouble())));
    return items;
  }

  /** The same products in the same order, each value equal but for the decay of the seconds between the answers. */
  private static void assertSameAnswers(Map<String, List<Answered>> expected, Map<String, List<Answered>> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((path, items) -> {
      assertEquals(items.stream().map(Answered::productId).toList(), actual.get(path).stream().map(Answered::productId).toList(), path);
      for (int i = 0; i < items.size(); i++) {
        assertEquals(items.get(i).value(), actual.get(path).get(i).value(), 1e-3 * items.get(i).value(), path + " " + items.get(i));
      }
    });
  }

  /** An instance of its own application, with topics of its own, unless {@code settings} say otherwise. */
  private static BeaconProcess instance(String name, Map<String, String> settings) {
    String id = "restart-" + name + "-" + UUID.randomUUID();
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "BEACON_APPLICATION_ID", id,
        "BEACON_TOPIC_PREFIX", id + ".",
        "BEACON_PARTITIONS", "6"));
    env.putAll(settings);
    return new BeaconProcess(name, dir.resolve(name), EmbeddedKafkaBroker.freePort(), env);
  }

  /**
   * Registers the advertisers {@code prefix-0 … prefix-11} and gives the batch of {@link #EVENTS}
   * views that a client sends and resends: product {@code p<n>} once each, with its own id.
   */
  private static String registerAndBatch(BeaconProcess beacon, String prefix) throws Exception {
    for (int a = 0; a < ADVERTISERS; a++) {
      registerActive(beacon, prefix + "-" + a);
    }
    long eventTime = Instant.now().minusSeconds(5).toEpochMilli();
    StringJoiner events = new StringJoiner(",", "[", "]");
    for (int n = 0; n < EVENTS; n++) {
      events.add("{\"event_id\": \"" + prefix + "-" + n + "\", \"type\": \"view\", \"advertiser_id\": \"" + prefix + "-" + n % ADVERTISERS
          + "\", \"product_id\": \"p" + n + "\", \"event_time\": " + eventTime + "}");
    }
    return events.toString();
  }

  /** Registers an ACTIVE advertiser and waits until the instance knows it. */
  private static void registerActive(BeaconProcess beacon, String advertiserId) throws Exception {
    String path = "/v1/advertisers/" + advertiserId;
    assertEquals(200, send(beacon, "PUT", path, "{\"name\": \"A\", \"status\": \"ACTIVE\"}").statusCode());
    BeaconUnderTest.await(path + " known", () -> send(beacon, "GET", path, null).statusCode() == 200);
  }

  private static HttpResponse<String> post(BeaconProcess beacon, String batch) throws Exception {
    return send(beacon, "POST", "/v1/events", batch);
  }

  /** Waits until the whole group's totals are {@code accepted} and {@code duplicates}, and fails if they go past. */
  private static void awaitTotals(BeaconProcess beacon, long accepted, long duplicates) throws Exception {
    awaitTotals(beacon, accepted, duplicates, true);
  }

  /**
   * Waits until the whole group has counted {@code accepted} events and rejected at least {@code
   * duplicates} as DUPLICATE with nothing left to process; with {@code exact}, exactly that many.
   */
  private static void awaitTotals(BeaconProcess beacon, long accepted, long duplicates, boolean exact) throws Exception {
    BeaconUnderTest.await(accepted + " accepted and " + (exact ? "" : "at least ") + duplicates + " duplicates", () -> {
      JsonNode stats = stats(beacon);
      long counted = stats.path("events").path("accepted").asLong();
      long rejected = stats.path("events").path("rejected").path("DUPLICATE").asLong();
      boolean complete = stats.path("missing_instances").isEmpty() && stats.path("lag").asLong() == 0;
      assertTrue(!complete || (counted <= accepted && (!exact || rejected <= duplicates)), "past the expected totals: " + stats);
      return complete && counted == accepted && (exact ? rejected == duplicates : rejected >= duplicates);
    });
  }

  private static void assertEachProductCountedOnce(BeaconProcess beacon, String prefix) throws Exception {
    long views = 0;
    for (int a = 0; a < ADVERTISERS; a++) {
      JsonNode answer = json(beacon, "/v1/advertisers/" + prefix + "-" + a + "/recommendations?model=top-products&window=1h&n=100");
      for (JsonNode item : answer.path("items")) {
        assertEquals(1, item.path("views").asLong(), prefix + "-" + a + ": " + item);
        views++;
      }
    }
    assertEquals(EVENTS, views);
  }

  /** The instance that answered for each advertiser from its active copy. */
  private static Map<String, String> owners(BeaconProcess beacon, String prefix) throws Exception {
    Map<String, String> owners = new HashMap<>();
    for (int a = 0; a < ADVERTISERS; a++) {
      HttpResponse<String> answer = send(beacon, "GET", "/v1/advertisers/" + prefix + "-" + a + "/recommendations", null);
      if (answer.statusCode() == 200 && answer.headers().firstValue("X-Beacon-Copy").orElse("").equals("active")) {
        owners.put(prefix + "-" + a, answer.headers().firstValue("X-Beacon-Instance").orElse("?"));
      }
    }
    return owners;
  }

  private static JsonNode stats(BeaconProcess beacon) throws Exception {
    return json(beacon, "/v1/stats");
  }

  private static JsonNode json(BeaconProcess beacon, String path) throws Exception {
    HttpResponse<String> answer = send(beacon, "GET", path, null);
    assertEquals(200, answer.statusCode(), path + ": " + answer.body());
    return BeaconUnderTest.JSON.readTree(answer.body());
  }

  private static HttpResponse<String> send(BeaconProcess beacon, String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(beacon.url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
