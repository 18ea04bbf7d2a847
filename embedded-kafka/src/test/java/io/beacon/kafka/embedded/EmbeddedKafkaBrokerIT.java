package io.beacon.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaBrokerIT {

  @TempDir Path dataDir;

  @Test
  void transactionalRecordsSurviveARestartOnTheSameDirectory() {
    int port = EmbeddedKafkaBroker.freePort();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port)) {
      assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
      // Exactly-once in Kafka Streams needs transactions, which need the one-replica internal topics.
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", broker.bootstrapServers(),
          "transactional.id", "embedded-broker-test",
          "max.block.ms", "30000"), new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("greetings", "k1", "hello"));
        producer.send(new ProducerRecord<>("greetings", "k2", "world"));
        producer.commitTransaction();
      }
    }

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port)) {
      assertEquals(List.of("hello", "world"), readAll(broker.bootstrapServers(), "greetings", 2));
    }
  }

  @Test
  void aTakenPortIsReportedWithTheOptionToChangeIt() {
    int port = EmbeddedKafkaBroker.freePort();
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(dataDir.resolve("first"), port)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> EmbeddedKafkaBroker.start(dataDir.resolve("second"), port));
      assertTrue(e.getMessage().contains("port " + port) && e.getMessage().contains("--kafka-port"), e.getMessage());
    }
  }

  @Test
  void closeTwiceIsHarmless() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, EmbeddedKafkaBroker.freePort());
    broker.close();
    broker.close();
  }

  static List<String> readAll(String bootstrap, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrap,
        "group.id", "reader-" + System.nanoTime(),
        "auto.offset.reset", "earliest",
        "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    values.sort(null);
    return values;
  }
}
