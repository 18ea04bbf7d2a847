package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Personal recommendations over HTTP on a real broker: users' views through the collector, then a
 * user's recommendations with their reasons, a product's related products, the fallback for a
 * user without history, and the problems for bad parameters.
 */
@Tag("integration")
class PersonalIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @Test
  void usersSeeWhatOthersWhoViewedTheSameViewedAndWhy() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(KAFKA.bootstrapServers())) {
      beacon.start();
      beacon.registerActive("shop", "Shop");
      StringJoiner events = new StringJoiner(",", "[", "]");
      for (int user = 0; user < 5; user++) {
        events.add(view("u" + user, "tent"));
        events.add(view("u" + user, user < 4 ? "stove" : "lamp"));
      }
      events.add(view("me", "tent"));
      assertEquals(202, beacon.sendJson("POST", "/v1/events", events.toString()).statusCode());

      BeaconUnderTest.await("my recommendations", () -> {
        HttpResponse<String> answer = beacon.get("/v1/advertisers/shop/users/me/recommendations?n=3");
        return answer.statusCode() == 200 && BeaconUnderTest.JSON.readTree(answer.body()).path("history_size").asInt() == 1
            && BeaconUnderTest.JSON.readTree(answer.body()).path("items").path(1).path("source").asText().equals("personal");
      });
      JsonNode mine = beacon.json("/v1/advertisers/shop/users/me/recommendations?n=3");
      assertEquals("personal", mine.path("model").asText());
      assertEquals(1, mine.path("history_size").asInt());
      assertEquals(List.of("stove personal tent", "lamp personal tent"), items(mine));
      JsonNode related = beacon.json("/v1/advertisers/shop/products/tent/related?n=5");
      assertEquals("stove", related.at("/items/0/product_id").asText());
      assertEquals(4.0, related.at("/items/0/together").asDouble(), 1e-6, "four users viewed both (decayed over milliseconds)");

      JsonNode stranger = beacon.json("/v1/advertisers/shop/users/stranger/recommendations?n=2");
      assertEquals(0, stranger.path("history_size").asInt());
      assertEquals(List.of("tent popular ", "stove popular "), items(stranger));

      for (String bad : List.of("users/me/recommendations?n=0", "users/me/recommendations?n=101", "users/me/recommendations?limit=3",
          "products/tent/related?n=ten")) {
        HttpResponse<String> answer = beacon.get("/v1/advertisers/shop/" + bad);
        assertEquals(400, answer.statusCode(), bad + ": " + answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("content-type").orElse(""), bad);
      }
      assertEquals(404, beacon.get("/v1/advertisers/nobody/users/me/recommendations").statusCode());
    }
  }

  private static String view(String user, String product) {
    return "{\"type\": \"view\", \"advertiser_id\": \"shop\", \"product_id\": \"" + product + "\", \"user_id\": \"" + user + "\"}";
  }

  /** "product source reasons" of each item. */
  private static List<String> items(JsonNode answer) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : answer.path("items")) {
      StringJoiner because = new StringJoiner(",");
      item.path("because").forEach(reason -> because.add(reason.path("product_id").asText()));
      items.add(item.path("product_id").asText() + " " + item.path("source").asText() + " " + because);
    }
    assertTrue(items.size() <= 3);
    return items;
  }
}
