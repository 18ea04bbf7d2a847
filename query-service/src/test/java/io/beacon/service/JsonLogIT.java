package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code BEACON_LOG_FORMAT=json}: the packaged jar logs one JSON object per line, with the advertiser as a field. */
@Tag("integration")
class JsonLogIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @Test
  void everyLineIsJsonAndCatalogChangesNameTheAdvertiser(@TempDir Path dir) throws Exception {
    try (BeaconProcess beacon = new BeaconProcess("beacon", dir, EmbeddedKafkaBroker.freePort(), Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "BEACON_APPLICATION_ID", "beacon-log-" + UUID.randomUUID(),
        "BEACON_LOG_FORMAT", "json"))) {
      beacon.start();
      beacon.awaitReady(Duration.ofSeconds(90));
      java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(beacon.url() + "/v1/advertisers/acme"))
              .header("Content-Type", "application/json")
              .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"Acme\", \"status\": \"PAUSED\"}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, put.statusCode(), put.body());
      BeaconUnderTest.await("the change logged", () -> Files.readString(beacon.log()).contains("advertiser acme is now PAUSED"));
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("beacon.log"))) {
      lines.add(BeaconUnderTest.JSON.readTree(line)); // throws on any line that is not JSON
    }
    assertTrue(lines.size() > 5, "lines: " + lines.size());
    JsonNode change = lines.stream().filter(l -> l.path("formattedMessage").asText().equals("advertiser acme is now PAUSED"))
        .findFirst().orElseThrow();
    assertEquals("INFO", change.get("level").asText());
    assertEquals("acme", change.at("/kvpList/0/advertiser_id").asText());
    assertEquals("PAUSED", change.at("/kvpList/1/status").asText());
  }
}
