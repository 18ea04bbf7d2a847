package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances started as a user would start a second one, with no address setting: each derives
 * its address from the host name and its HTTP port, so either answers every advertiser, and the
 * totals cover the whole group. Where forwarding cannot work (API keys on, no peer secret), a query
 * for the other instance's advertiser is a 503 that names the missing setting, never a 404.
 */
@Tag("integration")
class DefaultAddressIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);
  static final int ADVERTISERS = 12;
  static final int EVENTS_EACH = 10;

  @TempDir static java.nio.file.Path dir;

  @Test
  void eitherInstanceAnswersEveryAdvertiserAndTheTotalsCoverTheGroup() throws Exception {
    String applicationId = "beacon-default-address-" + UUID.randomUUID();
    List<BeaconUnderTest> instances = start(applicationId, Map.of(), null);
    try {
      BeaconUnderTest first = instances.get(0);
      sendEvents(first, "adv-", null);
      java.util.Set<String> owners = new java.util.TreeSet<>();
      for (BeaconUnderTest instance : instances) {
        // A flush writes the counts before the totals, so once the totals hold every event, each
        // advertiser's counts do too (the reverse is not promised: a query may fall between them).
        BeaconUnderTest.await("every event counted, asked at " + instance.baseUrl(), () -> BeaconUnderTest.JSON.readTree(
            instance.get("/v1/stats").body()).path("events").path("accepted").asLong() == ADVERTISERS * EVENTS_EACH);
        JsonNode stats = BeaconUnderTest.JSON.readTree(instance.get("/v1/stats").body());
        assertEquals(2, stats.path("instances").asInt(), stats.toString());
        assertEquals(0, stats.path("missing_instances").size(), stats.toString());
        for (int a = 0; a < ADVERTISERS; a++) {
          HttpResponse<String> answer = instance.get("/v1/advertisers/adv-" + a + "/recommendations?model=top-products&window=1h");
          assertEquals(200, answer.statusCode(), answer.body());
          assertEquals(EVENTS_EACH, BeaconUnderTest.JSON.readTree(answer.body()).path("items").path(0).path("views").asLong(), answer.body());
          owners.add(answer.headers().firstValue("X-Beacon-Instance").orElse("?"));
        }
      }
      assertEquals(2, owners.size(), "the advertisers' state is on both instances: " + owners);
    } finally {
      instances.forEach(BeaconUnderTest::close);
    }
  }

  @Test
  void aQueryThatNeedsForwardingWithoutThePeerSecretIsA503NamingIt() throws Exception {
    java.nio.file.Path keys = dir.resolve("keys");
    String admin = AuthIT.mint(keys, "--scope", "admin", "--name", "ops");
    List<BeaconUnderTest> instances = start("beacon-no-secret-" + UUID.randomUUID(), Map.of("beacon.auth.keys-file", keys.toString()), admin);
    try {
      BeaconUnderTest first = instances.get(0);
      sendEvents(first, "sec-", admin);
      List<Integer> statuses = new ArrayList<>();
      for (int a = 0; a < ADVERTISERS; a++) {
        String path = "/v1/advertisers/sec-" + a + "/recommendations";
        BeaconUnderTest.await("sec-" + a + " counted where it lives", () -> instances.stream().anyMatch(i -> status(i, path, admin) == 200));
        HttpResponse<String> answer = AuthIT.call(first, "GET", path, admin, null);
        statuses.add(answer.statusCode());
        if (answer.statusCode() != 200) {
          assertEquals(503, answer.statusCode(), answer.body());
          assertEquals("application/problem+json", answer.headers().firstValue("content-type").orElse(""));
          assertTrue(answer.body().contains("BEACON_PEER_SECRET"), answer.body());
        }
      }
      assertTrue(statuses.contains(503), "some advertisers live on the second instance: " + statuses);
      assertTrue(statuses.contains(200), "and some on the first: " + statuses);
    } finally {
      instances.forEach(BeaconUnderTest::close);
    }
  }

  /** Two instances of one application, with the test defaults and no address setting. */
  private static List<BeaconUnderTest> start(String applicationId, Map<String, Object> settings, String key) throws Exception {
    List<BeaconUnderTest> instances = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Map<String, Object> properties = new java.util.HashMap<>(settings);
      properties.put("beacon.application-id", applicationId);
      properties.put("beacon.partitions", 6);
      BeaconUnderTest instance = new BeaconUnderTest(KAFKA.bootstrapServers(), properties);
      instance.start();
      instances.add(instance);
    }
    BeaconUnderTest.await("both instances in the group", () -> instances.stream().allMatch(i -> {
      try {
        return BeaconUnderTest.JSON.readTree(AuthIT.call(i, "GET", "/v1/stats", key, null).body()).path("instances").asInt() == 2;
      } catch (Exception e) {
        return false;
      }
    }));
    return instances;
  }

  /** Registers the advertisers and sends {@link #EVENTS_EACH} views of p1 to each. */
  private static void sendEvents(BeaconUnderTest instance, String prefix, String key) throws Exception {
    StringJoiner events = new StringJoiner(",", "[", "]");
    for (int a = 0; a < ADVERTISERS; a++) {
      AuthIT.call(instance, "PUT", "/v1/advertisers/" + prefix + a, key, "{\"name\": \"A\", \"status\": \"ACTIVE\"}");
      for (int e = 0; e < EVENTS_EACH; e++) {
        events.add("{\"event_id\": \"" + prefix + a + "-" + e + "\", \"type\": \"view\", \"advertiser_id\": \"" + prefix + a
            + "\", \"product_id\": \"p1\"}");
      }
    }
    BeaconUnderTest.await("the advertisers known to the topology", () -> BeaconUnderTest.JSON.readTree(
        AuthIT.call(instance, "GET", "/v1/stats", key, null).body()).path("active_advertisers").asInt() >= ADVERTISERS);
    assertEquals(202, instance.sendJson("POST", "/v1/events", events.toString()).statusCode());
  }

  private static int status(BeaconUnderTest instance, String path, String key) {
    try {
      return AuthIT.call(instance, "GET", path, key, null).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
