package io.beacon.service.streams;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

/** Ready only while Kafka Streams is RUNNING: while it restores or rebalances, answers may be stale. */
@Singleton
@Readiness
public class StreamsReadiness implements HealthIndicator {

  private final StreamsRunner runner;

  public StreamsReadiness(StreamsRunner runner) {
    this.runner = runner;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    KafkaStreams.State state = runner.streams().state();
    return Publishers.just(HealthResult.builder("kafkaStreams")
        .status(state == KafkaStreams.State.RUNNING ? HealthStatus.UP : HealthStatus.DOWN)
        .details(Map.of("state", state.name()))
        .build());
  }
}
