package io.beacon.service.streams;

import io.beacon.service.auth.PeerSecret;
import io.beacon.service.config.BeaconSettings;
import io.beacon.service.config.ClusterSettings;
import io.beacon.service.config.InstanceAddress;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Kafka Streams runtime: creates missing topics, starts the topology when the application
 * starts, and closes it cleanly (flushing state and committing) when it stops.
 */
@Context
public class StreamsRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final AtomicBoolean metricsBound = new AtomicBoolean();
  private final AtomicLong stateChanges = new AtomicLong();

  /**
   * Takes the peer secret, which takes the API keys, only so that both are read and checked first:
   * an instance with bad auth settings must fail before it creates topics or joins the group
   * (where it would move partitions away from the running instances for nothing).
   */
  StreamsRunner(BeaconConfig config, BeaconSettings settings, ClusterSettings cluster, InstanceAddress address,
      MeterRegistry registry, ProcessingMetrics processingMetrics, PeerSecret checkedFirst) {
    if (settings.streamThreads() < 1) {
      throw new ConfigurationException("beacon.stream-threads must be at least 1, was " + settings.streamThreads()
          + " (BEACON_STREAM_THREADS)");
    }
    TopicInitializer.createMissing(config, settings.partitions(), settings.replicationFactor());
    Properties props = BeaconTopology.streamsProperties(config);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    if (settings.sessionTimeout() != null) {
      props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) settings.sessionTimeout().toMillis());
    }
    // Other instances find this one's partitions, and forward queries here, by this address.
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, address.toString());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cluster.standbyReplicas());
    streams = new KafkaStreams(BeaconTopology.build(config, processingMetrics), props);
    metrics = new KafkaStreamsMetrics(streams);
    streams.setStateListener((to, from) -> {
      stateChanges.incrementAndGet();
      LOG.info("Kafka Streams {} -> {}", from, to);
      if (to == KafkaStreams.State.RUNNING && metricsBound.compareAndSet(false, true)) {
        // Bound once tasks exist, so task and store metrics show at once; the binder's own
        // refresh (every 60 s) picks up tasks assigned later.
        metrics.bindTo(registry);
      }
    });
    streams.setGlobalStateRestoreListener(new RestoreLog());
    StreamsStateMetrics.register(streams, registry);
    streams.setUncaughtExceptionHandler(e -> {
      // A failed thread is replaced; its tasks restart from the last commit, so nothing is lost
      // or counted twice under exactly_once_v2.
      LOG.error("stream thread failed; replacing it", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    LOG.info("Kafka Streams application {} started against {} ({}, state in {}); other instances reach this one at {}{}",
        config.applicationId(), config.bootstrapServers(), config.processingGuarantee(), config.stateDir(), address,
        address.configured() ? "" : " (this machine's name and the HTTP port; set BEACON_APPLICATION_SERVER if they cannot)");
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** How many state changes Kafka Streams has made: each rebalance makes at least two. */
  public long stateChanges() {
    return stateChanges.get();
  }

  @PreDestroy
  @Override
  public void close() {
    LOG.info("closing Kafka Streams");
    metrics.close();
    // Leave the group: otherwise the partitions wait out the session timeout (45 s) before a
    // restarted or surviving instance gets them.
    streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
