package io.beacon.service.streams;

import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.BeaconTopology;
import io.beacon.streams.StoreNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Beacon's topics when they are missing, so a new cluster needs no manual step. Existing
 * topics are left as they are (their partition count fixes how far Beacon scales out).
 */
final class TopicInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);
  private static final long TIMEOUT_SECONDS = 30;

  private TopicInitializer() {}

  static void createMissing(BeaconConfig config, int partitions, short replicationFactor) {
    Properties props = new Properties();
    props.putAll(config.kafka());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic topic : topics(config, partitions, replicationFactor)) {
        if (!existing.contains(topic.name())) {
          missing.add(topic);
        }
      }
      keepDedupIdsLongEnough(admin, config, existing);
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e; // another instance creating them at the same time is fine
        }
      }
      missing.forEach(t -> LOG.info("created topic {} ({} partitions, replication {})", t.name(), t.numPartitions(), t.replicationFactor()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within "
          + TIMEOUT_SECONDS + " s; check kafka.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS)", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException) {
        throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " refused Beacon's credentials: "
            + e.getCause().getMessage() + "; check KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG", e.getCause());
      }
      throw new IllegalStateException("cannot create Beacon's topics on " + config.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Raises the retention of the dedup store's changelog to what the store keeps now, when an
   * earlier version created it with less: Kafka Streams sets it only when it creates the topic, and
   * a restore from a changelog that lost ids would count a backfill of their time again.
   */
  private static void keepDedupIdsLongEnough(Admin admin, BeaconConfig config, Set<String> existing)
      throws ExecutionException, InterruptedException, TimeoutException {
    String changelog = config.applicationId() + "-" + StoreNames.EVENT_IDS + "-changelog";
    if (!existing.contains(changelog)) {
      return;
    }
    // As Kafka Streams sets it: the store's retention and windowstore.changelog.additional.retention.ms (1 day).
    long needed = config.dedupRetention().plus(Duration.ofDays(1)).toMillis();
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
    ConfigEntry retention = admin.describeConfigs(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(topic).get(TopicConfig.RETENTION_MS_CONFIG);
    if (retention != null && retention.value() != null && Long.parseLong(retention.value()) >= 0
        && Long.parseLong(retention.value()) < needed) {
      admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(needed)), AlterConfigOp.OpType.SET))))
          .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("raised retention.ms of {} from {} to {}: the dedup store keeps ids as long as a backfill can count their time",
          changelog, retention.value(), needed);
    }
  }

  private static List<NewTopic> topics(BeaconConfig config, int partitions, short rf) {
    BeaconTopics topics = config.topics();
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    // One partition each: the versions come from one task, in order, and every instance reads them all.
    Map<String, String> models = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(BeaconTopology.maxModelVersionBytes(config.predict())));
    return List.of(
        new NewTopic(topics.models(), 1, rf).configs(models),
        new NewTopic(topics.modelPins(), 1, rf).configs(compacted),
        new NewTopic(topics.events(), partitions, rf),
        new NewTopic(topics.advertisers(), partitions, rf).configs(compacted),
        new NewTopic(topics.products(), partitions, rf).configs(compacted),
        new NewTopic(topics.rejected(), partitions, rf),
        new NewTopic(topics.dlq(), partitions, rf));
  }
}
