package io.beacon.service.streams;

import io.beacon.service.config.InstanceAddress;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.ClickPredictions;
import io.beacon.streams.query.ContentNeighbours;
import io.beacon.streams.query.Directory;
import io.beacon.streams.query.KafkaStreamsStateSource;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The query facade over the running Kafka Streams instance. */
@Factory
public class QueriesFactory {

  @Singleton
  KafkaStreamsStateSource stateSource(StreamsRunner runner, InstanceAddress address) {
    return new KafkaStreamsStateSource(runner.streams(), address.hostInfo(), runner::stateChanges);
  }

  /** Reads advertisers and products by id from the global tables, which every instance holds whole. */
  @Singleton
  Directory directory(KafkaStreamsStateSource source) {
    return new Directory(source);
  }

  /** Predicts from this instance's copy of the models global table. */
  @Singleton
  ClickPredictions clickPredictions(KafkaStreamsStateSource source, BeaconConfig config) {
    return new ClickPredictions(source, config.ctrPriorImpressions(), Clock.systemUTC());
  }

  /** Answers from the active copies on this instance only. */
  @Singleton
  BeaconQueries beaconQueries(KafkaStreamsStateSource source, BeaconConfig config, ContentNeighbours content) {
    return new BeaconQueries(source, config, Clock.systemUTC(), content);
  }
}
