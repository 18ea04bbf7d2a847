package io.beacon.service.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each restore of a store from its changelog (or of a global table from its topic) that read
 * records: which, how many, how long. Kafka Streams reports a restore for every store of every
 * task it starts, most of them empty (a committed transaction's marker is all they have to read):
 * those are left out. A restart after a clean stop restores no task store; after a crash, or when
 * a task moves, these lines say what it cost.
 */
final class RestoreLog implements StateRestoreListener {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

  private final Map<TopicPartition, Long> startedAt = new ConcurrentHashMap<>();

  @Override
  public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
    startedAt.put(partition, System.nanoTime());
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    // The start and the end say enough.
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    Long started = startedAt.remove(partition);
    if (totalRestored > 0) {
      LOG.info("restored store {} from {}: {} records in {} ms", store, partition, totalRestored,
          started == null ? -1 : (System.nanoTime() - started) / 1_000_000);
    }
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
    startedAt.remove(partition);
    if (totalRestored > 0) {
      LOG.info("restore of store {} from {} suspended after {} records (the task moved)", store, partition, totalRestored);
    }
  }
}
