package io.beacon.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaClusterIT {

  @TempDir Path dataDir;

  @Test
  void writesGoOnWhileOneOfThreeNodesIsDownAndNothingIsLostWhenItReturns() throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dataDir, 3)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("durable", 3, (short) 3))).all().get();
      }
      List<String> expected = new ArrayList<>();
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", cluster.bootstrapServers(), "acks", "all", "transactional.id", "cluster-it",
          "delivery.timeout.ms", "120000"), new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        for (int round = 0; round < 3; round++) {
          if (round == 1) {
            cluster.stop(1);
          }
          if (round == 2) {
            cluster.restart(1);
          }
          producer.beginTransaction();
          for (int i = 0; i < 10; i++) {
            String value = "r" + round + "-" + i;
            producer.send(new ProducerRecord<>("durable", value, value));
            expected.add(value);
          }
          producer.commitTransaction();
        }
      }
      expected.sort(null);
      assertEquals(expected, EmbeddedKafkaBrokerIT.readAll(cluster.bootstrapServers(), "durable", expected.size()));
    }
  }
}
