package io.beacon.service.query;

import io.beacon.service.routing.Peers;
import io.beacon.service.streams.StreamsRunner;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.Totals;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * The totals behind {@code GET /v1/stats}. Each instance counts the partitions it owns; the totals
 * of every instance in the group are fetched and added, and an instance that does not answer is
 * named in {@code missing_instances} rather than silently left out. {@code instances} counts the
 * group as Kafka Streams' metadata knows it, whether or not each answered.
 */
@Singleton
class GlobalStats {

  static final String INTERNAL_PATH = "/internal/v1/totals";

  private final BeaconQueries queries;
  private final StreamsRunner runner;
  private final Peers peers;
  private final JsonMapper json;

  GlobalStats(BeaconQueries queries, StreamsRunner runner, Peers peers, JsonMapper json) {
    this.queries = queries;
    this.runner = runner;
    this.peers = peers;
    this.json = json;
  }

  /** This instance's share: events read from its partitions. */
  Responses.LocalTotals local() {
    Totals totals = QueryProblems.answer(queries.localTotals());
    Map<String, Long> rejected = new LinkedHashMap<>();
    totals.rejected().forEach((reason, count) -> rejected.put(reason.name(), count));
    KafkaStreams streams = runner.streams();
    return new Responses.LocalTotals(peers.self(), totals.accepted(), rejected, streams.state().name(), inputLag(streams));
  }

  Responses.GlobalStats get() {
    List<Responses.LocalTotals> shares = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    shares.add(local());
    Set<String> group = new TreeSet<>();
    group.add(peers.self());
    for (StreamsMetadata instance : runner.streams().metadataForAllStreamsClients()) {
      group.add(instance.hostInfo().host() + ":" + instance.hostInfo().port());
    }
    for (String address : group) {
      if (!address.equals(peers.self())) {
        fetch(address).ifPresentOrElse(shares::add, () -> missing.add(address));
      }
    }
    long accepted = 0;
    long lag = 0;
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (Responses.LocalTotals share : shares) {
      accepted += share.accepted();
      lag += share.lag();
      share.rejected().forEach((reason, count) -> rejected.merge(reason, count, Long::sum));
    }
    long active = QueryProblems.answer(queries.activeAdvertisers());
    return new Responses.GlobalStats(new Responses.Events(accepted, rejected), active, group.size(),
        runner.streams().state().name(), lag, missing);
  }

  private Optional<Responses.LocalTotals> fetch(String peer) {
    Optional<MutableHttpResponse<byte[]>> answer = peers.get(peer, INTERNAL_PATH);
    if (answer.isEmpty() || answer.get().code() != 200 || answer.get().body() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(answer.get().body(), Responses.LocalTotals.class));
    } catch (IOException e) {
      return Optional.empty();
    }
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
