package io.beacon.service.streams;

import io.beacon.streams.BeaconConfig;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.KafkaStreamsStateSource;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The query facade over the running Kafka Streams instance. */
@Factory
public class QueriesFactory {

  @Singleton
  BeaconQueries beaconQueries(StreamsRunner runner, BeaconConfig config) {
    // A single instance answers every key itself; routing across instances sets application.server.
    return new BeaconQueries(new KafkaStreamsStateSource(runner.streams(), null), config, Clock.systemUTC());
  }
}
