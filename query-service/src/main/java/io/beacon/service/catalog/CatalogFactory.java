package io.beacon.service.catalog;

import io.beacon.service.config.BeaconSettings;
import io.beacon.service.streams.StreamsRunner;
import io.beacon.streams.BeaconConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The catalog index, its feeder and its readers, built from the settings; wrong settings stop the start. */
@Factory
class CatalogFactory {

  /** Under the state directory, beside Kafka Streams' own directory. */
  static final String INDEX_DIRECTORY = "catalog-index";

  @Singleton
  SimilarConfig similarConfig(BeaconSettings settings) {
    BeaconSettings.Similar similar = settings.similar();
    try {
      return SimilarConfig.of(settings.text().language(), similar.method(), similar.refresh(), new SimilarConfig.FieldWeights(
          similar.titleWeight(), similar.brandWeight(), similar.categoryWeight(), similar.descriptionWeight()));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("invalid Beacon configuration: " + e.getMessage(), e);
    }
  }

  @Singleton
  @Bean(preDestroy = "close")
  CatalogIndex catalogIndex(BeaconConfig config, SimilarConfig similar) {
    return new CatalogIndex(Path.of(config.stateDir(), INDEX_DIRECTORY), similar.language().analyzer());
  }

  /** Started with the application, after Kafka Streams has created the catalog topics. */
  @Context
  @Bean(preDestroy = "close")
  CatalogIndexer catalogIndexer(CatalogIndex index, BeaconConfig config, SimilarConfig similar, MeterRegistry registry,
      StreamsRunner createsTopicsFirst) {
    Map<String, Object> kafka = new HashMap<>(config.kafka());
    kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    CatalogIndexer indexer = new CatalogIndexer(index, kafka, config.topics().products(), config.topics().advertisers(), similar.refresh());
    Gauge.builder("beacon.catalog.index.documents", index, CatalogIndex::documents)
        .description("products and advertisers in this instance's catalog index, as searches see them").register(registry);
    Gauge.builder("beacon.catalog.index.disk.bytes", index, CatalogIndex::diskBytes)
        .description("bytes the catalog index takes on disk").baseUnit("bytes").register(registry);
    FunctionCounter.builder("beacon.catalog.index.records.read", indexer, CatalogIndexer::recordsRead)
        .description("catalog records (products, advertisers, tombstones) the index has read since start").register(registry);
    Gauge.builder("beacon.catalog.index.build.seconds", indexer, CatalogIndexer::buildSeconds)
        .description("how long building the catalog index from the topics took at start; NaN until built").register(registry);
    indexer.start();
    return indexer;
  }

  @Singleton
  SimilarProducts similarProducts(CatalogIndex index, SimilarConfig similar) {
    return new SimilarProducts(index, similar.weights());
  }

  @Singleton
  CatalogSearch catalogSearch(CatalogIndex index) {
    return new CatalogSearch(index);
  }
}
