package io.beacon.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the broker holds for a benchmark: consumer-group progress and the size of topics. */
final class KafkaState implements AutoCloseable {

  /** Records (offsets, which under exactly-once include transaction markers) and bytes on disk. */
  record TopicsSize(long records, long bytes) {}

  private final Admin admin;

  KafkaState(String bootstrap) {
    admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  /** Records of {@code topic} that {@code group} has not committed yet (all of them before its first commit). */
  long lag(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, Long> ends = offsets(partitions(Set.of(topic)), OffsetSpec.latest());
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += end.getValue() - (at == null ? 0 : at.offset());
    }
    return lag;
  }

  /** The changelog topics of application {@code applicationId}: their records and bytes. */
  TopicsSize changelogs(String applicationId) throws Exception {
    Set<String> topics = admin.listTopics().names().get().stream()
        .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog"))
        .collect(Collectors.toSet());
    List<TopicPartition> partitions = partitions(topics);
    Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
    long records = offsets(partitions, OffsetSpec.latest()).entrySet().stream()
        .mapToLong(e -> e.getValue() - starts.get(e.getKey())).sum();
    long bytes = 0;
    for (var dirs : admin.describeLogDirs(admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
        .allDescriptions().get().values()) {
      for (var dir : dirs.values()) {
        for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
          if (topics.contains(replica.getKey().topic())) {
            bytes += replica.getValue().size();
          }
        }
      }
    }
    return new TopicsSize(records, bytes);
  }

  private List<TopicPartition> partitions(Set<String> topics) throws Exception {
    return admin.describeTopics(topics).allTopicNames().get().values().stream()
        .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
        .toList();
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
    Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(
        partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all().get();
    return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  @Override
  public void close() {
    admin.close();
  }
}
