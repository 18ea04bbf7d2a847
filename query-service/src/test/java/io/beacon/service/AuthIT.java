package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.service.auth.KeysCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** API keys and scopes over HTTP, on a real broker, with keys minted by the same command users run. */
@Tag("integration")
class AuthIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path keysFile;
  static String admin;
  static String acme;
  static String dashboard;
  static BeaconUnderTest beacon;

  @BeforeAll
  static void start() throws Exception {
    keysFile = dir.resolve("keys");
    admin = mint(keysFile, "--scope", "admin", "--name", "ops");
    acme = mint(keysFile, "--scope", "advertiser:acme", "--name", "acme-bidder");
    dashboard = mint(keysFile, "--scope", "read:all", "--name", "dashboard");
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of(
        "beacon.auth.keys-file", keysFile.toString(),
        "beacon.collector.rate-limit-per-second", 20));
    beacon.start();
    for (String adv : List.of("acme", "rival")) {
      assertEquals(200, call("PUT", "/v1/advertisers/" + adv, admin, "{\"name\": \"" + adv + "\", \"status\": \"ACTIVE\"}").statusCode());
    }
    BeaconUnderTest.await("advertisers visible", () -> call("GET", "/v1/advertisers/rival", admin, null).statusCode() == 200);
    for (String adv : List.of("acme", "rival")) {
      assertEquals(202, call("POST", "/v1/events", null, "[{\"type\": \"view\", \"advertiser_id\": \"" + adv + "\", \"product_id\": \"p1\"}]").statusCode());
    }
    for (String adv : List.of("acme", "rival")) {
      assertEquals(200, call("PUT", "/v1/products/" + adv + "-tent", admin, "{\"advertiser_id\": \"" + adv
          + "\", \"title\": \"Dome tent\", \"description\": \"Waterproof dome tent\"}").statusCode());
    }
    BeaconUnderTest.await("catalog indexed", () -> call("GET", "/v1/products/rival-tent/similar", admin, null).statusCode() == 200);
    BeaconUnderTest.await("events counted", () -> call("GET", "/v1/advertisers/rival/recommendations", admin, null).body().contains("\"p1\"")
        && call("GET", "/v1/advertisers/acme/recommendations", admin, null).body().contains("\"p1\""));
  }

  @AfterAll
  static void stop() {
    beacon.close();
  }

  @Test
  void withoutAValidKeyTheAnswerIs401WithAChallenge() throws Exception {
    for (String key : new String[] {null, "bcn_0000000000_nope", "not-even-a-key", acme + "x"}) {
      HttpResponse<String> response = call("GET", "/v1/advertisers/acme/recommendations", key, null);
      assertEquals(401, response.statusCode(), "key " + key);
      assertEquals("Bearer realm=\"beacon\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""));
    }
  }

  @Test
  void searchesAnswerOnlyWhatTheKeyMayReadAndThePageItselfIsOpen() throws Exception {
    assertEquals(401, call("GET", "/v1/advertisers", null, null).statusCode());
    assertEquals(401, call("GET", "/v1/products?q=p", null, null).statusCode());
    assertEquals("[\"acme\"]", ids(call("GET", "/v1/advertisers", acme, null), "advertisers", "advertiser_id"));
    assertEquals("[\"acme\",\"rival\"]", ids(call("GET", "/v1/advertisers", dashboard, null), "advertisers", "advertiser_id"));
    assertEquals("[]", ids(call("GET", "/v1/advertisers?q=rival", acme, null), "advertisers", "advertiser_id"));
    for (String path : List.of("/", "/ui/beacon.js", "/ui/vendor/chart.js/4.5.1/dist/chart.umd.min.js")) {
      assertEquals(200, call("GET", path, null, null).statusCode(), path + " is served without a key");
    }
  }

  private static String ids(HttpResponse<String> response, String list, String field) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    List<String> ids = new java.util.ArrayList<>();
    BeaconUnderTest.JSON.readTree(response.body()).get(list).forEach(item -> ids.add(item.get(field).asText()));
    return BeaconUnderTest.JSON.writeValueAsString(ids);
  }

  @Test
  void anAdvertiserKeyReadsItsAdvertiserOnlyAndCannotTellWhetherOthersExist() throws Exception {
    assertEquals(200, call("GET", "/v1/advertisers/acme/recommendations", acme, null).statusCode());
    assertEquals(200, call("GET", "/recommendations/acme/TopProducts", acme, null).statusCode());
    HttpResponse<String> rival = call("GET", "/v1/advertisers/rival/recommendations", acme, null);
    HttpResponse<String> ghost = call("GET", "/v1/advertisers/ghost/recommendations", acme, null);
    assertEquals(403, rival.statusCode());
    assertEquals(403, ghost.statusCode());
    assertEquals(rival.body().replace("rival", "X"), ghost.body().replace("ghost", "X"), "a refusal must not reveal existence");
    assertEquals(403, call("GET", "/history/rival/", acme, null).statusCode());
    assertEquals(403, call("GET", "/v1/advertisers/r%69val/stats", acme, null).statusCode(), "encoded paths are decoded first");
  }

  @Test
  void similarProductsNeedTheProductsAdvertiserAndKeepToWhatTheKeyMayRead() throws Exception {
    assertEquals(401, call("GET", "/v1/products/acme-tent/similar", null, null).statusCode());
    assertEquals("[]", ids(call("GET", "/v1/products/acme-tent/similar?scope=catalog", acme, null), "items", "product_id"),
        "rival's tent is not acme's to see");
    assertEquals("[\"rival-tent\"]", ids(call("GET", "/v1/products/acme-tent/similar?scope=catalog", dashboard, null), "items",
        "product_id"));
    HttpResponse<String> rival = call("GET", "/v1/products/rival-tent/similar", acme, null);
    HttpResponse<String> ghost = call("GET", "/v1/products/ghost-tent/similar", acme, null);
    assertEquals(403, rival.statusCode());
    assertEquals(403, call("GET", "/recommendations/rival-tent", acme, null).statusCode());
    assertEquals(rival.body().replace("rival", "X"), ghost.body().replace("ghost", "X"), "a refusal must not reveal existence");
    assertEquals(404, call("GET", "/v1/products/ghost-tent/similar", dashboard, null).statusCode());
  }

  @Test
  void aClientCannotPoseAsAPeer() throws Exception {
    assertEquals(401, call("GET", "/internal/v1/totals", null, null).statusCode());
    assertEquals(401, call("GET", "/internal/v1/totals", admin, null).statusCode(), "internal calls are for peers only");
    HttpRequest forged = HttpRequest.newBuilder(URI.create(beacon.baseUrl() + "/v1/advertisers/rival/recommendations"))
        .header("Authorization", "Bearer " + acme)
        .header("X-Beacon-Forwarded", "active")
        .header("X-Beacon-Peer-Secret", "a-guess-at-the-secret")
        .GET().build();
    assertEquals(403, HTTP.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void writesAndGlobalFiguresNeedAdmin() throws Exception {
    for (String key : new String[] {acme, dashboard}) {
      assertEquals(403, call("PUT", "/v1/advertisers/acme", key, "{\"name\": \"a\", \"status\": \"PAUSED\"}").statusCode());
      assertEquals(403, call("PUT", "/v1/products/p1", key, "{\"advertiser_id\": \"acme\", \"title\": \"t\"}").statusCode());
      assertEquals(403, call("GET", "/v1/stats", key, null).statusCode());
    }
    assertEquals(200, call("GET", "/v1/stats", admin, null).statusCode());
    assertEquals(200, call("GET", "/v1/advertisers/rival/stats", dashboard, null).statusCode(), "read:all reads everyone");
    assertEquals(403, call("GET", "/v1/models", acme, null).statusCode(), "the models' figures span every advertiser");
    assertEquals(200, call("GET", "/v1/models", dashboard, null).statusCode());
    assertEquals(403, call("PUT", "/v1/models/ftrl/champion", dashboard, "{\"version\": 1}").statusCode());
    String predictRival = "{\"advertiser_id\": \"rival\", \"placement\": \"top\", \"candidates\": [{\"product_id\": \"p1\"}]}";
    assertEquals(403, call("POST", "/v1/predict", acme, predictRival).statusCode(), "another advertiser's predictions");
    assertEquals(200, call("GET", "/health/readiness", null, null).statusCode(), "health stays public");
  }

  @Test
  void theCollectorIsOpenButRateLimitedPerClient() throws Exception {
    int limited = 0;
    // Sent at once, so the rate exceeds the limit however slow each write to Kafka is.
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(beacon.baseUrl() + "/px?adv=acme&prod=p2")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (var future : sent) {
      HttpResponse<String> response = future.get();
      if (response.statusCode() == 429) {
        limited++;
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
      } else {
        assertEquals(200, response.statusCode(), response.body());
      }
    }
    assertTrue(limited > 0, "60 pixel requests at once must exceed 20 per second");
    assertEquals(401, call("GET", "/v1/stats", null, null).statusCode());
    String metrics = beacon.get("/prometheus").body();
    assertTrue(metrics.contains("beacon_http_denied_total{route=\"/px\",status=\"429\"}"), "429s counted by route");
    assertTrue(metrics.contains("beacon_http_denied_total{route=\"/v1/stats\",status=\"401\"}"), "401s counted by route");
    Thread.sleep(1100); // let the bucket refill for other tests' collector calls
  }

  @Test
  void keysAreAddedAndRevokedWithoutARestart() throws Exception {
    String late = mint(keysFile, "--scope", "advertiser:rival", "--name", "late");
    BeaconUnderTest.await("new key accepted", () -> call("GET", "/v1/advertisers/rival/recommendations", late, null).statusCode() == 200);
    List<String> lines = Files.readAllLines(keysFile);
    Files.write(keysFile, lines.stream().filter(l -> !l.contains(" late ")).toList());
    BeaconUnderTest.await("revoked key refused", () -> call("GET", "/v1/advertisers/rival/recommendations", late, null).statusCode() == 401);
  }

  @Test
  void aCollectorThatWantsKeysChecksTheAdvertiserOfEveryEvent() throws Exception {
    try (BeaconUnderTest closed = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of(
        "beacon.auth.keys-file", keysFile.toString(), "beacon.auth.collector-requires-key", true))) {
      closed.start();
      String event = "[{\"type\": \"view\", \"advertiser_id\": \"%s\", \"product_id\": \"p1\"}]";
      assertEquals(401, closed.sendJson("POST", "/v1/events", event.formatted("acme")).statusCode());
      assertEquals(202, call(closed, "POST", "/v1/events", acme, event.formatted("acme")).statusCode());
      assertEquals(403, call(closed, "POST", "/v1/events", acme, event.formatted("rival")).statusCode());
      assertEquals(403, call(closed, "POST", "/v1/events", dashboard, event.formatted("rival")).statusCode(), "read:all cannot write");
      assertEquals(202, call(closed, "POST", "/v1/events", admin, event.formatted("rival")).statusCode());
    }
  }

  @Test
  void productionCannotStartOpenByAccidentOrWithABadKeysFile() throws Exception {
    try (BeaconUnderTest open = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.auth.require", true))) {
      String message = BeaconUnderTest.messages(assertThrows(Exception.class, open::start));
      assertTrue(message.contains("BEACON_REQUIRE_AUTH=true but BEACON_AUTH_KEYS_FILE is not set"), message);
      assertFalse(open.streamsThreadsAlive(), "nothing started before the settings were checked");
    }
    try (BeaconUnderTest missing = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.auth.keys-file", dir.resolve("absent").toString()))) {
      String message = BeaconUnderTest.messages(assertThrows(Exception.class, missing::start));
      assertTrue(message.contains("BEACON_AUTH_KEYS_FILE=" + dir.resolve("absent")), message);
      assertFalse(missing.streamsThreadsAlive(), "nothing started before the settings were checked");
    }
    try (BeaconUnderTest noPeerSecret = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of(
        "beacon.auth.keys-file", keysFile.toString(), "beacon.cluster.application-server", "127.0.0.1:1"))) {
      String message = BeaconUnderTest.messages(assertThrows(Exception.class, noPeerSecret::start));
      assertTrue(message.contains("BEACON_PEER_SECRET is required"), message);
      assertFalse(noPeerSecret.streamsThreadsAlive(), "nothing started before the settings were checked");
    }
    Path bad = Files.writeString(dir.resolve("bad-keys"), "garbage\n");
    try (BeaconUnderTest malformed = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.auth.keys-file", bad.toString()))) {
      String message = BeaconUnderTest.messages(assertThrows(Exception.class, malformed::start));
      assertTrue(message.contains("line 1"), message);
      assertFalse(malformed.streamsThreadsAlive(), "nothing started before the settings were checked");
    }
  }

  /** Mints a key with {@code beacon keys mint}, appends its line to the file, and returns the key. */
  static String mint(Path file, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> command = new java.util.ArrayList<>(List.of("mint"));
    command.addAll(List.of(args));
    assertEquals(0, KeysCommand.run(command, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    Files.writeString(file, lines[3] + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return lines[1].strip();
  }

  static HttpResponse<String> call(String method, String path, String key, String json) throws Exception {
    return call(beacon, method, path, key, json);
  }

  static HttpResponse<String> call(BeaconUnderTest target, String method, String path, String key, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
