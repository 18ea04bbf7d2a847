package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.avro.AdEvent;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.streams.BeaconTopics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The collector and catalog over HTTP on a real broker: good input is written and counted, every
 * kind of bad input is answered with a problem that names the field, and none of it reaches Kafka.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  private static final BeaconTopics TOPICS = new BeaconTopics("beacon.");
  private static BeaconUnderTest beacon;

  @BeforeAll
  static void startBeacon() throws Exception {
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers());
    beacon.start();
  }

  @AfterAll
  static void stopBeacon() {
    beacon.close();
  }

  @Test
  @Order(1)
  void shouldRegisterTheCatalogAndCountEventsFromBatchesAndThePixel() throws Exception {
    HttpResponse<String> put = beacon.sendJson("PUT", "/v1/advertisers/shop-1", "{\"name\": \"Shop One\", \"status\": \"active\"}");
    assertEquals(200, put.statusCode(), put.body());
    assertEquals("ACTIVE", BeaconUnderTest.JSON.readTree(put.body()).get("status").asText());
    HttpResponse<String> product = beacon.sendJson("PUT", "/v1/products/shop-1-p1",
        "{\"advertiser_id\": \"shop-1\", \"title\": \"Red shoe\", \"price\": 49.9, \"category\": null}");
    assertEquals(200, product.statusCode(), product.body());
    Product written = BeaconSerdes.product().deserialize(TOPICS.products(), beacon.read(TOPICS.products(), 1).get(0).value());
    assertEquals("Red shoe", written.getTitle());
    assertEquals(49.9, written.getPrice());
    BeaconUnderTest.await("advertiser visible", () -> beacon.get("/v1/advertisers/shop-1").statusCode() == 200);

    String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();
    HttpResponse<String> batch = beacon.sendJson("POST", "/v1/events", """
        [{"type": "view", "advertiser_id": "shop-1", "product_id": "p1"},
         {"type": "VIEW", "advertiser_id": "shop-1", "product_id": "p1", "event_time": "%s", "event_id": "e-2"},
         {"type": "view", "advertiser_id": "shop-1", "product_id": "p1", "event_time": %d, "user_id": "u1"},
         {"type": "Impression", "advertiser_id": "shop-1", "product_id": "p1", "campaign_id": "c1", "placement": "top",
          "context": {"Device": "mobile"}},
         {"type": "click", "advertiser_id": "shop-1", "product_id": "p1"}]
        """.formatted(t, Instant.parse(t).toEpochMilli()));
    assertEquals(202, batch.statusCode(), batch.body());
    JsonNode accepted = BeaconUnderTest.JSON.readTree(batch.body());
    assertEquals(5, accepted.get("accepted").asInt());
    assertEquals("e-2", accepted.get("event_ids").get(1).asText());
    assertTrue(accepted.path("warnings").isMissingNode(), "every event will count: no warnings");

    HttpResponse<String> pixel = beacon.get("/px?adv=shop-1&prod=p2&uid=u9&cb=123");
    assertEquals(200, pixel.statusCode(), pixel.body());
    assertEquals("image/gif", pixel.headers().firstValue("content-type").orElse(""));
    assertTrue(pixel.headers().firstValue("cache-control").orElse("").contains("no-store"));
    HttpResponse<byte[]> gif = beacon.getBytes("/px?adv=shop-1&prod=p2&type=impression&ctx.device=tablet");
    assertArrayEquals(Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), gif.body());

    List<ConsumerRecord<byte[], byte[]>> events = beacon.read(TOPICS.events(), 7);
    List<Map<String, String>> contexts = new java.util.ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : events) {
      AdEvent event = BeaconSerdes.adEvent().deserialize(TOPICS.events(), record.value());
      assertEquals("shop-1", new String(record.key(), StandardCharsets.UTF_8), "events are keyed by advertiser");
      assertEquals("shop-1", event.getAdvertiserId());
      if (event.getContext() != null) {
        contexts.add(event.getContext());
      }
    }
    assertEquals(java.util.Set.of(Map.of("device", "mobile"), Map.of("device", "tablet")), java.util.Set.copyOf(contexts),
        "the batch's context, its name lower-cased, and the pixel's ctx.device");

    BeaconUnderTest.await("events counted", () -> {
      JsonNode top = beacon.json("/v1/advertisers/shop-1/recommendations?window=1h");
      return top.get("items").size() == 2
          && top.at("/items/0/product_id").asText().equals("p1") && top.at("/items/0/views").asLong() == 3
          && top.at("/items/0/impressions").asLong() == 1 && top.at("/items/0/clicks").asLong() == 1
          && top.at("/items/1/views").asLong() == 1 && top.at("/items/1/impressions").asLong() == 1;
    });

    // Written all the same (nothing is lost), with a warning per event that will not count.
    beacon.sendJson("PUT", "/v1/advertisers/shop-off", "{\"name\": \"Closed\", \"status\": \"INACTIVE\"}");
    BeaconUnderTest.await("inactive advertiser visible", () -> beacon.get("/v1/advertisers/shop-off").statusCode() == 200);
    HttpResponse<String> doomed = beacon.sendJson("POST", "/v1/events", """
        [{"type": "view", "advertiser_id": "shop-1", "product_id": "p3"},
         {"type": "view", "advertiser_id": "never-registered", "product_id": "p1"},
         {"type": "view", "advertiser_id": "shop-off", "product_id": "p1"},
         {"type": "view", "advertiser_id": "shop-1", "product_id": "p1", "event_time": "%s"}]
        """.formatted(Instant.now().minus(2, ChronoUnit.HOURS)));
    assertEquals(202, doomed.statusCode(), doomed.body());
    JsonNode warnings = BeaconUnderTest.JSON.readTree(doomed.body()).get("warnings");
    assertEquals(List.of("1 advertiser_id UNKNOWN_ADVERTISER", "2 advertiser_id INACTIVE_ADVERTISER", "3 event_time LATE"),
        java.util.stream.StreamSupport.stream(warnings.spliterator(), false).map(w -> w.get("index").asInt() + " "
            + w.get("field").asText() + " " + w.get("reason").asText().replaceAll(".*(UNKNOWN_ADVERTISER|INACTIVE_ADVERTISER|LATE).*", "$1"))
            .toList(), warnings.toString());
  }

  @Test
  @Order(2)
  void shouldAnswerEveryBadInputWithAProblemAndWriteNothing() throws Exception {
    long before = totalRecords();
    String good = "{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p1\"}";
    String tooMany = "[" + String.join(",", java.util.Collections.nCopies(1001, good)) + "]";
    List<Case> cases = List.of(
        new Case("POST", "/v1/events", "not json", 400, "body"),
        new Case("POST", "/v1/events", "", 400, "body"),
        new Case("POST", "/v1/events", "[]", 400, "body"),
        new Case("POST", "/v1/events", good, 400, "body"),
        new Case("POST", "/v1/events", tooMany, 400, "body"),
        new Case("POST", "/v1/events", "[" + good + ", 7]", 400, "[1]"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\"}]", 400, "[0].product_id"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p\", \"color\": 1}]", 400, "[0].color"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": 5, \"product_id\": \"p\"}]", 400, "[0].advertiser_id"),
        new Case("POST", "/v1/events", "[{\"type\": \"buy\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p\"}]", 400, "[0].type"),
        new Case("POST", "/v1/events", "[" + good + ", {\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p\", \"event_time\": \"2999-01-01T00:00:00Z\"}]", 400, "[1].event_time"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p\", \"event_time\": 1e400}]", 400, "[0].event_time"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"" + "x".repeat(129) + "\"}]", 400, "[0].product_id"),
        new Case("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p\", \"user_id\": \"a\\u0007b\"}]", 400, "[0].user_id"),
        new Case("PUT", "/v1/advertisers/shop-2", "{\"name\": \"Two\", \"status\": \"ZOMBIE\"}", 400, "status"),
        new Case("PUT", "/v1/advertisers/shop-2", "{\"status\": \"ACTIVE\"}", 400, "name"),
        new Case("PUT", "/v1/advertisers/shop-2", "{\"name\": \"Two\", \"status\": \"ACTIVE\", \"budget\": 3}", 400, "budget"),
        new Case("PUT", "/v1/advertisers/shop-2", "[]", 400, "body"),
        new Case("PUT", "/v1/products/p9", "{\"advertiser_id\": \"shop-1\", \"title\": \"T\", \"price\": -1}", 400, "price"),
        new Case("PUT", "/v1/products/p9", "{\"advertiser_id\": \"shop-1\", \"title\": \"T\", \"price\": \"cheap\"}", 400, "price"),
        new Case("PUT", "/v1/products/p9", "{\"title\": \"T\"}", 400, "advertiser_id"),
        new Case("GET", "/px?adv=shop-1", null, 400, "prod"),
        new Case("GET", "/px?adv=shop-1&prod=p1&type=sale", null, 400, "type"),
        new Case("GET", "/px?adv=shop-1&prod=p1&utm=x", null, 400, "utm"),
        new Case("GET", "/px?adv=shop-1&prod=p1&ctx.9lives=x", null, 400, "ctx.9lives"),
        new Case("GET", "/px?adv=shop-1&prod=p1&ts=tomorrow", null, 400, "ts"),
        new Case("GET", "/v1/products?limit=0", null, 400, "limit"),
        new Case("GET", "/v1/advertisers?limit=101", null, 400, "limit"),
        new Case("GET", "/v1/products?q=" + "x".repeat(257), null, 400, "q"),
        new Case("GET", "/v1/products?advertiser=a%07b", null, 400, "advertiser"),
        new Case("GET", "/v1/advertisers/shop-1/stats?product=a%07b", null, 400, "product"));
    for (Case c : cases) {
      HttpResponse<String> response = c.body == null ? beacon.get(c.path)
          : beacon.sendJson(c.method, c.path, c.body);
      assertProblem(response, c.status, c.toString());
      JsonNode problem = BeaconUnderTest.JSON.readTree(response.body());
      List<String> fields = new ArrayList<>();
      problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
      assertTrue(fields.stream().anyMatch(f -> f.equals(c.field) || f.startsWith(c.field + ".")), c + " named " + fields);
    }

    byte[] huge = ("[" + good + ",\"" + "x".repeat(1_100_000) + "\"]").getBytes(StandardCharsets.UTF_8);
    assertProblem(beacon.send("POST", "/v1/events", "application/json", huge), 413, "body over 1 MiB");
    assertProblem(beacon.send("POST", "/v1/events", "text/plain", ("[" + good + "]").getBytes(StandardCharsets.UTF_8)), 415, "text/plain");
    assertProblem(beacon.send("DELETE", "/v1/events", null, new byte[0]), 405, "DELETE");
    assertProblem(beacon.get("/v2/nothing-here"), 404, "unknown path");
    assertEquals(200, beacon.send("HEAD", "/px?adv=shop-1&prod=p1", null, new byte[0]).statusCode(), "HEAD answers, records nothing");
    assertProblem(beacon.get("/v1/advertisers/shop-1/recommendations?n=many"), 400, "n=many");
    // Over the 8 KiB request line the server answers 413 and closes the connection: a client of its own.
    HttpResponse<String> longLine = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(beacon.baseUrl() + "/v1/advertisers/" + "x".repeat(9000) + "/stats")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(longLine, 413, "request line over 8 KiB");

    assertEquals(before, totalRecords(), "bad input reached Kafka");
    assertEquals(200, beacon.get("/v1/stats").statusCode(), "the server keeps serving");
  }

  @Test
  @Order(3)
  void shouldStopCountingAnAdvertiserTurnedInactive() throws Exception {
    HttpResponse<String> put = beacon.sendJson("PUT", "/v1/advertisers/shop-1", "{\"name\": \"Shop One\", \"status\": \"INACTIVE\"}");
    assertEquals(200, put.statusCode(), put.body());
    BeaconUnderTest.await("status visible", () -> beacon.json("/v1/advertisers/shop-1").get("status").asText().equals("INACTIVE"));
    long rejectedBefore = beacon.json("/v1/stats").at("/events/rejected/INACTIVE_ADVERTISER").asLong();
    assertEquals(202, beacon.sendJson("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop-1\", \"product_id\": \"p1\"}]").statusCode());
    BeaconUnderTest.await("event rejected as INACTIVE_ADVERTISER",
        () -> beacon.json("/v1/stats").at("/events/rejected/INACTIVE_ADVERTISER").asLong() == rejectedBefore + 1);
    assertEquals(3, beacon.json("/v1/advertisers/shop-1/recommendations?window=1h").at("/items/0/views").asLong());
  }

  private record Case(String method, String path, String body, int status, String field) {}

  private static long totalRecords() throws Exception {
    return beacon.recordCount(TOPICS.events()) + beacon.recordCount(TOPICS.advertisers()) + beacon.recordCount(TOPICS.products());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String what) throws Exception {
    assertEquals(status, response.statusCode(), what + " answered " + response.body());
    assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""), what + " answered " + response.body());
    JsonNode problem = BeaconUnderTest.JSON.readTree(response.body());
    assertEquals(status, problem.get("status").asInt(), what);
    assertTrue(!problem.get("detail").asText().isBlank(), what + " has no detail");
  }
}
