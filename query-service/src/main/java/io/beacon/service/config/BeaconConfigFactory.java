package io.beacon.service.config;

import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.PersonalConfig;
import io.beacon.streams.PredictConfig;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

/** Turns the settings into the typed {@link BeaconConfig} the topology takes, failing fast if wrong. */
@Factory
public class BeaconConfigFactory {

  @Singleton
  BeaconConfig beaconConfig(
      BeaconSettings settings, KafkaSecuritySettings security, @Value("${kafka.bootstrap-servers:}") String bootstrapServers) {
    if (bootstrapServers.isBlank()) {
      throw new ConfigurationException(
          "kafka.bootstrap-servers is not set: set KAFKA_BOOTSTRAP_SERVERS=host:port,"
              + " or start with ./beacon start to use the embedded broker");
    }
    try {
      return new BeaconConfig(
          settings.applicationId(),
          bootstrapServers,
          new BeaconTopics(settings.topicPrefix()),
          settings.stateDir(),
          settings.processingGuarantee(),
          settings.grace(),
          settings.dedupWindow(),
          settings.maxClockSkew(),
          settings.ctr().priorImpressions(),
          settings.ctr().minImpressions(),
          settings.rocksdb().cacheBytes(),
          settings.dedupFilterBytes(),
          new PersonalConfig(settings.personal().enabled(), settings.personal().historySize(), settings.personal().historyTtl(), settings.personal().coVisitWindow(),
              settings.personal().maxNeighbours(), settings.personal().halfLife(), settings.personal().clickWeight(),
              settings.personal().occurrencesFreshFor()),
          predict(settings.predict()),
          security.clientProperties());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigurationException("invalid Beacon configuration: " + e.getMessage(), e);
    }
  }

  private static PredictConfig predict(BeaconSettings.Predict p) {
    return new PredictConfig(p.enabled(), p.attributionWindow(), p.featureBits(), p.alpha(), p.beta(), p.l1(), p.l2(),
        p.publishInterval(), p.selectionExamples(), p.threshold(), p.versionsKept());
  }

  @Singleton
  BeaconTopics beaconTopics(BeaconConfig config) {
    return config.topics();
  }
}
