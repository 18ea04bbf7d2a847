package io.beacon.kafka.embedded;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-JVM KRaft cluster (Kafka's own test kit, not a mock) for a test class: started before
 * its first test and stopped after its last. Register it as a static field with
 * {@code @RegisterExtension}. With three or more brokers, internal topics get three replicas and
 * {@code min.insync.replicas=2}, as on a production cluster.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {

  private final int brokers;
  private KafkaClusterTestKit cluster;

  private KafkaClusterExtension(int brokers) {
    this.brokers = brokers;
  }

  public static KafkaClusterExtension withBrokers(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("a cluster needs at least one broker, was " + brokers);
    }
    return new KafkaClusterExtension(brokers);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    short replicas = replicationFactor();
    KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(brokers)
            .setNumControllerNodes(1)
            .build())
        .setConfigProp("offsets.topic.replication.factor", String.valueOf(replicas))
        .setConfigProp("transaction.state.log.replication.factor", String.valueOf(replicas))
        .setConfigProp("transaction.state.log.min.isr", String.valueOf(minInSyncReplicas()))
        .setConfigProp("min.insync.replicas", String.valueOf(minInSyncReplicas()))
        .setConfigProp("default.replication.factor", String.valueOf(replicas))
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    cluster = kit;
    kit.format();
    kit.startup();
    kit.waitForReadyBrokers();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    // The test kit's close() may run only once.
    KafkaClusterTestKit kit = cluster;
    cluster = null;
    if (kit != null) {
      kit.close();
    }
  }

  public String bootstrapServers() {
    return running().bootstrapServers();
  }

  public int brokerCount() {
    return brokers;
  }

  /** Three replicas where the cluster has them, else one per broker. */
  public short replicationFactor() {
    return (short) Math.min(brokers, 3);
  }

  private int minInSyncReplicas() {
    return brokers >= 3 ? 2 : 1;
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /** Creates the topics with the cluster's replication factor and waits until they exist. */
  public void createTopics(int partitions, String... names) throws ExecutionException, InterruptedException {
    List<NewTopic> topics = Arrays.stream(names).map(name -> new NewTopic(name, partitions, replicationFactor())).toList();
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get();
    }
  }

  private KafkaClusterTestKit running() {
    if (cluster == null) {
      throw new IllegalStateException("the Kafka cluster runs only between beforeAll and afterAll of its test class");
    }
    return cluster;
  }
}
