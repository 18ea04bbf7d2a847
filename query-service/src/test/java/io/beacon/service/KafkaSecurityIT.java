package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Beacon against a broker whose only client listener wants SASL SCRAM-SHA-512. */
@Tag("integration")
class KafkaSecurityIT {

  @TempDir static Path dataDir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startSecuredBroker() {
    broker = EmbeddedKafkaBroker.start(dataDir, EmbeddedKafkaBroker.freePort(), new EmbeddedKafkaBroker.ScramUser("beacon", "s3cret-for-test"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  static Map<String, Object> scram(String password) {
    return Map.of(
        "kafka.security.protocol", "SASL_PLAINTEXT",
        "kafka.security.sasl-mechanism", "SCRAM-SHA-512",
        "kafka.security.sasl-jaas-config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"beacon\" password=\"" + password + "\";");
  }

  @Test
  void countsWithTheRightCredentials() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(broker.bootstrapServers(), scram("s3cret-for-test"))) {
      beacon.start();
      assertEquals(200, beacon.sendJson("PUT", "/v1/advertisers/sec-1", "{\"name\": \"Secured\", \"status\": \"ACTIVE\"}").statusCode());
      BeaconUnderTest.await("advertiser visible", () -> beacon.get("/v1/advertisers/sec-1").statusCode() == 200);
      assertEquals(202, beacon.sendJson("POST", "/v1/events", "[{\"type\": \"view\", \"advertiser_id\": \"sec-1\", \"product_id\": \"p1\"}]").statusCode());
      BeaconUnderTest.await("event counted",
          () -> beacon.get("/v1/advertisers/sec-1/recommendations").body().contains("\"views\":1"));
    }
  }

  @Test
  void failsFastNamingTheProblemWithWrongCredentials() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(broker.bootstrapServers(), scram("wrong"))) {
      Exception e = assertThrows(Exception.class, beacon::start);
      String message = BeaconUnderTest.messages(e);
      assertTrue(message.contains("Authentication failed") && message.contains("KAFKA_SASL_JAAS_CONFIG"), message);
    }
  }

  @Test
  void refusesAnIncompleteSaslSetup() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(broker.bootstrapServers(), Map.of("kafka.security.protocol", "SASL_PLAINTEXT"))) {
      Exception e = assertThrows(Exception.class, beacon::start);
      assertTrue(BeaconUnderTest.messages(e).contains("needs KAFKA_SASL_MECHANISM"), BeaconUnderTest.messages(e));
    }
  }
}
