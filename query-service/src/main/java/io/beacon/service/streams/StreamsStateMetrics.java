package io.beacon.service.streams;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code beacon_streams_state{state}}: 1 for the state Kafka Streams is in, 0 for the others, so an
 * alert reads {@code beacon_streams_state{state="RUNNING"} == 0} rather than a numeric code.
 */
final class StreamsStateMetrics {

  private StreamsStateMetrics() {}

  static void register(KafkaStreams streams, MeterRegistry registry) {
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      Gauge.builder("beacon.streams.state", streams, s -> s.state() == state ? 1 : 0)
          .description("1 for the state Kafka Streams is in on this instance (RUNNING when it serves), else 0")
          .tag("state", state.name())
          .register(registry);
    }
  }
}
