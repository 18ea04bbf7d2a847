package io.beacon.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class KafkaClusterExtensionIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(3);

  @Test
  void threeBrokersReplicateTopicsThreeTimesWithTwoInSync() throws Exception {
    KAFKA.createTopics(4, "replicated");
    try (Admin admin = KAFKA.admin()) {
      assertEquals(3, admin.describeCluster().nodes().get().size());
      TopicDescription topic = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
      assertEquals(4, topic.partitions().size());
      topic.partitions().forEach(p -> assertEquals(3, p.replicas().size()));
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
      assertEquals("2", admin.describeConfigs(List.of(broker)).all().get().get(broker).get("min.insync.replicas").value());
    }

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        "bootstrap.servers", KAFKA.bootstrapServers(), "acks", "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("replicated", "k", "v")).get();
    }
    assertEquals(List.of("v"), EmbeddedKafkaBrokerIT.readAll(KAFKA.bootstrapServers(), "replicated", 1));
  }
}
