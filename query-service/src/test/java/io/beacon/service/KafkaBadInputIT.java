package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.streams.BeaconTopics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records on {@code beacon.events} that are not AdEvents, from any producer: each lands on the
 * dead-letter topic unchanged with the reason in headers, is counted in a metric, and the events
 * after it are counted as if nothing happened.
 */
@Tag("integration")
class KafkaBadInputIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);
  static final BeaconTopics TOPICS = new BeaconTopics("beacon.");
  static BeaconUnderTest beacon;

  @BeforeAll
  static void start() throws Exception {
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers());
    beacon.start();
    assertEquals(200, beacon.sendJson("PUT", "/v1/advertisers/kb", "{\"name\": \"Kafka bad input\", \"status\": \"ACTIVE\"}").statusCode());
    BeaconUnderTest.await("advertiser visible", () -> beacon.get("/v1/advertisers/kb").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    beacon.close();
  }

  @Test
  void everyUnreadableRecordIsDeadLetteredWithItsReasonAndCountingGoesOn() throws Exception {
    byte[] valid = BeaconSerdes.adEvent().serialize(TOPICS.events(), event("kb-ok-1"));
    byte[] unknownFingerprint = valid.clone();
    ByteBuffer.wrap(unknownFingerprint, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1234_5678_9abc_def0L);
    byte[] huge = new byte[900_000];
    new Random(1).nextBytes(huge);
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("garbage", "not avro at all".getBytes(StandardCharsets.UTF_8));
    bad.put("truncated", Arrays.copyOf(valid, valid.length / 2));
    bad.put("unknown-fingerprint", unknownFingerprint);
    bad.put("null", null);
    bad.put("empty", new byte[0]);
    bad.put("huge", huge);

    double deadLetteredBefore = deadLettered();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576), new StringSerializer(), new ByteArraySerializer())) {
      for (Map.Entry<String, byte[]> record : bad.entrySet()) {
        producer.send(new ProducerRecord<>(TOPICS.events(), "kb", record.getValue())).get();
      }
      producer.send(new ProducerRecord<>(TOPICS.events(), "kb", valid)).get();
    }

    List<ConsumerRecord<byte[], byte[]>> dead = beacon.read(TOPICS.dlq(), bad.size());
    int i = 0;
    for (Map.Entry<String, byte[]> sent : bad.entrySet()) {
      ConsumerRecord<byte[], byte[]> record = dead.get(i++);
      assertTrue(sent.getValue() == null ? record.value() == null : Arrays.equals(sent.getValue(), record.value()),
          sent.getKey() + ": the record is kept unchanged");
      for (String header : List.of("beacon.dlq.reason", "beacon.dlq.exception", "beacon.dlq.source")) {
        assertNotNull(record.headers().lastHeader(header), sent.getKey() + " has " + header);
      }
      String reason = new String(record.headers().lastHeader("beacon.dlq.reason").value(), StandardCharsets.UTF_8);
      assertTrue(!reason.isBlank(), sent.getKey());
    }
    BeaconUnderTest.await("the valid event after them is counted",
        () -> beacon.json("/v1/advertisers/kb/recommendations?window=1h").at("/items/0/views").asLong() == 1);

    assertEquals(deadLetteredBefore + bad.size(), deadLettered(), 0.0, "dead-lettered records are counted");
  }

  /** The process-wide metric: other tests in this JVM may have dead-lettered records before. */
  static double deadLettered() throws Exception {
    Matcher counted = Pattern.compile("beacon_events_dead_lettered_total(\\{[^}]*})? ([0-9.E]+)").matcher(beacon.get("/prometheus").body());
    assertTrue(counted.find(), "metric beacon_events_dead_lettered_total");
    return Double.parseDouble(counted.group(2));
  }

  static AdEvent event(String id) {
    return AdEvent.newBuilder().setEventId(id).setType(EventType.VIEW).setEventTime(Instant.now())
        .setAdvertiserId("kb").setProductId("p1").build();
  }
}
