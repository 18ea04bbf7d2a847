package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Click prediction on a real broker, from events to an answer: impressions and clicks through the
 * collector, labelled and learned in the topology, published as versions every instance reads,
 * then predictions, the versions' figures, a pinned champion, and the problems for bad input.
 */
@Tag("integration")
class PredictIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @Test
  void learnsFromImpressionsAndClicksAndPredictsWithTheChampion() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(KAFKA.bootstrapServers(),
        Map.of("beacon.predict.publish-interval", "1s", "beacon.predict.attribution-window", "1m"))) {
      beacon.start();
      beacon.registerActive("shop", "Shop");
      for (String product : List.of("tent", "lamp")) {
        assertEquals(200, beacon.sendJson("PUT", "/v1/products/" + product, "{\"advertiser_id\": \"shop\", \"title\": \"A " + product
            + "\", \"category\": \"camping\"}").statusCode());
      }
      HttpResponse<String> early = predict(beacon, "{\"advertiser_id\": \"shop\", \"placement\": \"top\", "
          + "\"candidates\": [{\"product_id\": \"tent\"}]}");
      assertEquals(503, early.statusCode(), early.body());
      assertTrue(early.body().contains("no model version yet"), early.body());

      Instant shown = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
      StringJoiner events = new StringJoiner(",", "[", "]");
      for (int user = 0; user < 200; user++) {
        events.add(event("impression", "u" + user, "tent", shown));
        events.add(event("impression", "u" + user, "lamp", shown));
        if (user % 2 == 0) {
          events.add(event("click", "u" + user, "tent", shown.plusSeconds(10)));
        }
      }
      events.add(event("impression", null, "tent", shown)); // no user: teaches nothing
      events.add(event("view", "late", "lamp", Instant.now())); // stream time past every window
      assertEquals(202, beacon.sendJson("POST", "/v1/events", events.toString()).statusCode());

      BeaconUnderTest.await("a version that learned all 400 labelled impressions", () -> {
        JsonNode models = beacon.json("/v1/models");
        return models.at("/models/0/latest/examples").asLong() == 400;
      });
      JsonNode models = beacon.json("/v1/models");
      assertEquals("ftrl", models.at("/models/0/name").asText());
      assertEquals(100, models.at("/models/0/latest/clicks").asLong());
      assertEquals(400, models.at("/models/0/latest/placements/0/examples").asLong());
      assertEquals("top", models.at("/models/0/latest/placements/0/placement").asText());
      assertTrue(models.at("/champion/chosen_because").asText().startsWith("lower log loss"), models.toString());

      HttpResponse<String> answer = predict(beacon, "{\"advertiser_id\": \" shop \", \"placement\": \"top\", "
          + "\"context\": {\"Device\": \"mobile\"}, \"candidates\": [{\"product_id\": \"lamp\"}, {\"product_id\": \"tent\"}]}");
      assertEquals(200, answer.statusCode(), answer.body());
      JsonNode predicted = BeaconUnderTest.JSON.readTree(answer.body());
      assertEquals(List.of("lamp", "tent"), ids(predicted));
      assertTrue(predicted.at("/predictions/1/pctr").asDouble() > predicted.at("/predictions/0/pctr").asDouble(), answer.body());
      assertEquals("no_click", predicted.at("/predictions/0/label").asText());
      assertEquals(0, predicted.at("/predictions/0/prediction").asInt());
      assertEquals(models.at("/champion/name").asText(), predicted.at("/model/name").asText());

      BeaconUnderTest.await("the catalog indexed", () -> beacon.get("/v1/products/lamp/similar").statusCode() == 200);
      JsonNode ranked = beacon.json("/v1/advertisers/shop/recommendations?model=predicted-ctr&placement=top&n=5");
      assertEquals("tent", ranked.at("/items/0/product_id").asText(), ranked.toString());
      assertEquals("lamp", ranked.at("/items/1/product_id").asText(), ranked.toString());
      assertEquals(predicted.at("/predictions/1/pctr").asDouble(), ranked.at("/items/0/score").asDouble(), 0.05,
          "the same model, without the context");
      assertEquals(400, beacon.get("/v1/advertisers/shop/recommendations?model=predicted-ctr").statusCode(), "no placement");
      assertEquals(400, beacon.get("/v1/advertisers/shop/recommendations?model=top-ctr&placement=top").statusCode());

      JsonNode versions = beacon.json("/v1/models/smoothed-ctr/versions");
      long version = versions.at("/versions/0/version").asLong();
      assertEquals(200, beacon.sendJson("PUT", "/v1/models/smoothed-ctr/champion", "{\"version\": " + version + "}").statusCode());
      BeaconUnderTest.await("the pinned version predicts", () -> predict(beacon, "{\"advertiser_id\": \"shop\", \"placement\": "
          + "\"top\", \"candidates\": [{\"product_id\": \"tent\"}]}").body().contains("\"name\":\"smoothed-ctr\""));
      assertEquals("pinned", beacon.json("/v1/models").at("/champion/chosen_because").asText());
      assertEquals(404, beacon.sendJson("DELETE", "/v1/models/ftrl/champion", "").statusCode(), "ftrl is not the pinned one");
      assertEquals(200, beacon.sendJson("DELETE", "/v1/models/smoothed-ctr/champion", "").statusCode());
      BeaconUnderTest.await("chosen by log loss again", () -> beacon.json("/v1/models").at("/champion/chosen_because").asText()
          .startsWith("lower log loss"));

      assertEquals(404, beacon.sendJson("PUT", "/v1/models/ftrl/champion", "{\"version\": 99999}").statusCode());
      assertEquals(404, beacon.sendJson("PUT", "/v1/models/nope/champion", "{\"version\": 1}").statusCode());
      HttpResponse<String> badPin = beacon.sendJson("PUT", "/v1/models/ftrl/champion", "{\"version\": \"two\"}");
      assertEquals(400, badPin.statusCode());
      assertTrue(badPin.body().contains("version: must be a whole number of at least 1, was two"), badPin.body());
      assertEquals(404, beacon.get("/v1/models/nope/versions").statusCode());
      HttpResponse<String> bad = predict(beacon, "{\"advertiser_id\": \"shop\", \"candidates\": [{\"product\": \"tent\"}], "
          + "\"context\": {\"1device\": \"x\"}, \"at\": \"yesterday\", \"colour\": \"red\"}");
      assertEquals(400, bad.statusCode(), bad.body());
      assertEquals("application/problem+json", bad.headers().firstValue("content-type").orElse(""));
      JsonNode problem = BeaconUnderTest.JSON.readTree(bad.body());
      List<String> fields = new ArrayList<>();
      problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
      assertEquals(List.of("colour", "placement", "context.1device", "at", "candidates[0].product", "candidates[0].product_id"),
          fields, bad.body());
      StringJoiner many = new StringJoiner(",", "[", "]");
      for (int i = 0; i < 1001; i++) {
        many.add("{\"product_id\": \"p" + i + "\"}");
      }
      HttpResponse<String> tooMany = predict(beacon, "{\"advertiser_id\": \"shop\", \"placement\": \"top\", \"candidates\": "
          + many + "}");
      assertEquals(400, tooMany.statusCode());
      assertTrue(tooMany.body().contains("a list of 1001"), tooMany.body());
    }
  }

  private static HttpResponse<String> predict(BeaconUnderTest beacon, String body) throws Exception {
    return beacon.sendJson("POST", "/v1/predict", body);
  }

  private static String event(String type, String user, String product, Instant at) {
    return "{\"type\": \"" + type + "\", \"advertiser_id\": \"shop\", \"product_id\": \"" + product + "\", \"placement\": \"top\", "
        + "\"context\": {\"device\": \"mobile\"}, \"event_time\": \"" + at + "\""
        + (user == null ? "" : ", \"user_id\": \"" + user + "\"") + "}";
  }

  private static List<String> ids(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("predictions").forEach(p -> ids.add(p.path("product_id").asText()));
    return ids;
  }
}
