package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Similar products and catalog search over HTTP on a real broker: products written through the
 * API, their similar products under both paths and scopes, a catalog change seen live (a new
 * product, a removed one, an advertiser made INACTIVE), search, the text fallback of a user's
 * recommendations, the index rebuilt by a new instance from the topics, and the problems for bad
 * parameters.
 */
@Tag("integration")
class SimilarProductsIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @Test
  void productsLikeAProductFromTheirTextFollowTheCatalogLive() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(KAFKA.bootstrapServers())) {
      beacon.start();
      beacon.registerActive("shop", "Outdoor Shop");
      beacon.registerActive("rival", "Rival Outfitters");
      put(beacon, "shoe-1", "shop", "Trail running shoe", "Light trail running shoe with a grippy sole for muddy trails", "Shoes");
      put(beacon, "shoe-2", "shop", "Road running shoe", "Cushioned running shoe for road races and long runs", "Shoes");
      put(beacon, "tent-1", "shop", "Dome tent", "Two person dome tent, light and waterproof for mountain trips", "Camping");
      put(beacon, "shoe-3", "rival", "Trail shoe", "Grippy sole trail shoe for muddy mountain trails", "Shoes");

      BeaconUnderTest.await("shoe-1's similar products", () -> ids(beacon.get("/v1/products/shoe-1/similar?scope=catalog")).size() == 3);
      JsonNode all = beacon.json("/v1/products/shoe-1/similar?scope=catalog&count=2");
      assertEquals("all", all.path("features").asText());
      assertEquals("shop", all.path("advertiser_id").asText());
      assertEquals(List.of("shoe-3", "shoe-2"), ids(all), "same words first; the rival's too with scope=catalog");
      assertTrue(texts(all.at("/items/0/terms")).contains("grippi"), all.toString());
      assertEquals(List.of("shoe-2", "tent-1"), ids(beacon.get("/v1/products/shoe-1/similar")), "the product's advertiser by default");
      assertEquals(ids(beacon.get("/v1/products/shoe-1/similar?features=description&count=1")),
          ids(beacon.get("/recommendations/shoe-1?feature_type=overview&count=1")), "the seed path answers the same");

      put(beacon, "shoe-4", "shop", "Trail shoe", "Grippy trail shoe for muddy trails", "Shoes");
      BeaconUnderTest.await("a new product among the similar", () -> ids(beacon.get("/v1/products/shoe-1/similar")).get(0).equals("shoe-4"));
      assertEquals(204, beacon.sendJson("DELETE", "/v1/products/shoe-4", "").statusCode());
      BeaconUnderTest.await("a removed product gone", () -> !ids(beacon.get("/v1/products/shoe-1/similar")).contains("shoe-4"));
      assertEquals(404, beacon.get("/v1/products/shoe-4/similar").statusCode());
      assertEquals(200, beacon.sendJson("PUT", "/v1/advertisers/rival", "{\"name\": \"Rival Outfitters\", \"status\": \"INACTIVE\"}")
          .statusCode());
      BeaconUnderTest.await("an inactive advertiser's product gone",
          () -> !ids(beacon.get("/v1/products/shoe-1/similar?scope=catalog")).contains("shoe-3"));

      assertEquals(Set.of("shoe-1", "shoe-2"), Set.copyOf(products(beacon.json("/v1/products?q=runing%20shoe"))), "a typo, every word");
      assertEquals(List.of("tent-1"), products(beacon.json("/v1/products?q=waterproof&advertiser=shop")));
      assertEquals("rival", beacon.json("/v1/advertisers?q=outfitters").at("/advertisers/0/advertiser_id").asText());

      for (Map.Entry<String, String> bad : Map.of(
          "/v1/products/shoe-1/similar?count=0", "count",
          "/v1/products/shoe-1/similar?count=101", "count",
          "/v1/products/shoe-1/similar?features=colour", "features",
          "/v1/products/shoe-1/similar?scope=world", "scope",
          "/v1/products/shoe-1/similar?method=word2vec", "method",
          "/recommendations/shoe-1?feature_type=cast", "feature_type").entrySet()) {
        HttpResponse<String> answer = beacon.get(bad.getKey());
        assertEquals(400, answer.statusCode(), bad.getKey() + ": " + answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("content-type").orElse(""), bad.getKey());
        assertTrue(answer.body().contains("\"" + bad.getValue() + "\""), answer.body());
      }
      HttpResponse<String> unknown = beacon.get("/v1/products/nothing/similar");
      assertEquals(404, unknown.statusCode());
      assertEquals("application/problem+json", unknown.headers().firstValue("content-type").orElse(""));
      assertEquals(202, beacon.sendJson("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"shop\", "
          + "\"product_id\": \"shoe-1\", \"user_id\": \"me\"}]").statusCode());
      BeaconUnderTest.await("my view counted",
          () -> beacon.json("/v1/advertisers/shop/users/me/recommendations?n=2").path("history_size").asInt() == 1);
      JsonNode mine = beacon.json("/v1/advertisers/shop/users/me/recommendations?n=2");
      List<String> items = new ArrayList<>();
      mine.path("items").forEach(item -> items.add(item.path("product_id").asText() + " " + item.path("source").asText() + " "
          + item.at("/because/0/product_id").asText()));
      assertEquals(List.of("shoe-2 similar shoe-1", "tent-1 similar shoe-1"), items, "nobody viewed shoe-1 with anything yet");

      put(beacon, "bare", "shop", "Gift card", null, null);
      BeaconUnderTest.await("a product without a description", () -> beacon.get("/v1/products/bare/similar").statusCode() == 200);
      JsonNode bare = beacon.json("/v1/products/bare/similar?features=description");
      assertEquals(0, bare.path("items").size());
      assertTrue(bare.path("reason").asText().contains("no description"), bare.toString());
    }

    try (BeaconUnderTest fresh = new BeaconUnderTest(KAFKA.bootstrapServers())) {
      fresh.start();
      BeaconUnderTest.await("the index rebuilt from the catalog topics",
          () -> fresh.get("/v1/products/shoe-1/similar").statusCode() == 200);
      assertEquals(List.of("shoe-2", "tent-1"), ids(fresh.get("/v1/products/shoe-1/similar")));
      assertEquals(404, fresh.get("/v1/products/shoe-4/similar").statusCode(), "the tombstone holds");
      assertFalse(ids(fresh.get("/v1/products/shoe-1/similar?scope=catalog")).contains("shoe-3"), "rival is still INACTIVE");
    }
  }

  private static void put(BeaconUnderTest beacon, String id, String advertiser, String title, String description, String category)
      throws Exception {
    StringBuilder body = new StringBuilder("{\"advertiser_id\": \"" + advertiser + "\", \"title\": \"" + title + "\"");
    if (description != null) {
      body.append(", \"description\": \"").append(description).append("\", \"category\": \"").append(category).append("\"");
    }
    HttpResponse<String> answer = beacon.sendJson("PUT", "/v1/products/" + id, body.append("}").toString());
    assertEquals(200, answer.statusCode(), answer.body());
  }

  private static List<String> ids(HttpResponse<String> answer) throws Exception {
    return answer.statusCode() != 200 ? List.of() : ids(BeaconUnderTest.JSON.readTree(answer.body()));
  }

  private static List<String> ids(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("items").forEach(item -> ids.add(item.path("product_id").asText()));
    return ids;
  }

  private static List<String> products(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("products").forEach(item -> ids.add(item.path("product_id").asText()));
    return ids;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
