package io.beacon.service.query;

import io.beacon.service.streams.StreamsRunner;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.Totals;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/** The totals behind {@code GET /v1/stats}. */
@Singleton
class GlobalStats {

  private final BeaconQueries queries;
  private final StreamsRunner runner;

  GlobalStats(BeaconQueries queries, StreamsRunner runner) {
    this.queries = queries;
    this.runner = runner;
  }

  Responses.GlobalStats get() {
    Totals totals = QueryProblems.answer(queries.localTotals());
    long active = QueryProblems.answer(queries.activeAdvertisers());
    Map<String, Long> rejected = new LinkedHashMap<>();
    totals.rejected().forEach((reason, count) -> rejected.put(reason.name(), count));
    KafkaStreams streams = runner.streams();
    int instances = Math.max(1, streams.metadataForAllStreamsClients().size());
    return new Responses.GlobalStats(new Responses.Events(totals.accepted(), rejected), active, instances,
        streams.state().name(), inputLag(streams));
  }

  /** Records on the input partitions this instance owns that are not processed yet. */
  private static long inputLag(KafkaStreams streams) {
    long lag = 0;
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (var task : thread.activeTasks()) {
        for (var partition : task.topicPartitions()) {
          Long end = task.endOffsets().get(partition);
          Long committed = task.committedOffsets().get(partition);
          if (end != null && committed != null && end >= 0 && committed >= 0) {
            lag += Math.max(0, end - committed);
          }
        }
      }
    }
    return lag;
  }
}
