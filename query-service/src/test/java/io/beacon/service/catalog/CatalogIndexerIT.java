package io.beacon.service.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.lucene.search.IndexSearcher;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexer's order invariant on a real broker: a key's records, written in order to one
 * partition, are indexed in that order though several threads index a poll, so the index holds
 * each product's last version, and none that a tombstone removed.
 */
@Tag("integration")
class CatalogIndexerIT {

  private static final String PRODUCTS = "it.products";
  private static final String ADVERTISERS = "it.advertisers";
  private static final int KEYS = 3_000;
  private static final int VERSIONS = 5;

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @TempDir
  Path dir;

  @Test
  void shouldHoldEachProductsLastVersionWhenSeveralThreadsIndex() throws Exception {
    KAFKA.createTopics(6, PRODUCTS, ADVERTISERS);
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int version = 0; version < VERSIONS; version++) {
        for (int key = 0; key < KEYS; key++) {
          Product product = Product.newBuilder().setProductId("p" + key).setAdvertiserId("adv").setTitle("version " + version)
              .setUpdatedAt(Instant.EPOCH).build();
          producer.send(new ProducerRecord<>(PRODUCTS, "p" + key, BeaconSerdes.product().serialize(PRODUCTS, product)));
        }
      }
      for (int key = 0; key < KEYS; key += 10) {
        producer.send(new ProducerRecord<>(PRODUCTS, "p" + key, null));
      }
    }
    try (CatalogIndex index = new CatalogIndex(dir.resolve("index"), TextLanguage.ENGLISH.analyzer());
        CatalogIndexer indexer = new CatalogIndexer(index, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
            PRODUCTS, ADVERTISERS, Duration.ofMillis(100))) {
      indexer.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (indexer.notReady().isPresent()) {
        assertTrue(System.nanoTime() < deadline, indexer.notReady().orElse(""));
        Thread.sleep(50);
      }
      assertEquals((long) KEYS * VERSIONS + KEYS / 10, indexer.recordsRead());
      index.read(reader -> {
        IndexSearcher searcher = new IndexSearcher(reader);
        for (int key = 0; key < KEYS; key++) {
          Optional<IndexedProduct> product = CatalogIndex.product(searcher, "p" + key);
          if (key % 10 == 0) {
            assertTrue(product.isEmpty(), "p" + key + " was removed last");
          } else {
            assertEquals("version " + (VERSIONS - 1), product.orElseThrow().title(), "p" + key);
          }
        }
        return null;
      });
      assertEquals(KEYS - KEYS / 10, index.documents());
    }
  }

  @Test
  void shouldSayItStoppedFollowingTheTopicsWhenIndexingFails() throws Exception {
    KAFKA.createTopics(1, "it2.products", "it2.advertisers");
    CatalogIndex index = new CatalogIndex(dir.resolve("index"), TextLanguage.ENGLISH.analyzer());
    try (CatalogIndexer indexer = new CatalogIndexer(index, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
        "it2.products", "it2.advertisers", Duration.ofMillis(100))) {
      indexer.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (indexer.notReady().isPresent()) {
        assertTrue(System.nanoTime() < deadline, indexer.notReady().orElse(""));
        Thread.sleep(50);
      }
      index.close(); // the next write fails
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>("it2.products", "p1", BeaconSerdes.product().serialize("it2.products", Product.newBuilder()
            .setProductId("p1").setAdvertiserId("adv").setTitle("t").setUpdatedAt(Instant.EPOCH).build())));
      }
      while (indexer.notReady().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "still ready after its index failed");
        Thread.sleep(50);
      }
      assertTrue(indexer.notReady().get().contains("stopped following the catalog topics"), indexer.notReady().get());
    }
  }
}
