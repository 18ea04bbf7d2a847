package io.beacon.service.catalog;

import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link CatalogIndex} from the compacted products and advertisers topics: reads both
 * whole from the beginning at start, then follows them. A plain consumer with every partition
 * assigned, in no group, so every instance builds its own copy and nothing is committed. Until it
 * has read up to the end offsets it found at start, the index is not ready and answers say how
 * far the build has come; after that, writes become visible every {@code refresh}.
 */
public final class CatalogIndexer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogIndexer.class);
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);
  private static final Duration PROGRESS_LOG = Duration.ofSeconds(10);
  private static final int MAX_INDEXING_THREADS = 4;

  private final CatalogIndex index;
  private final Consumer<byte[], byte[]> consumer;
  private final String productsTopic;
  private final String advertisersTopic;
  private final Duration refresh;
  private final Deserializer<Product> products = BeaconSerdes.product().deserializer();
  private final Deserializer<Advertiser> advertisers = BeaconSerdes.advertiser().deserializer();
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile boolean started;
  private final AtomicLong recordsRead = new AtomicLong();
  private volatile long recordsToBuild = -1;
  private volatile boolean built;
  private volatile double buildSeconds = Double.NaN;
  /** Why the indexer stopped, if it failed: from then on the index answers nothing. */
  private volatile String failure;
  private final AtomicLong skipped = new AtomicLong();
  /**
   * Threads that analyse and index a poll's records: Lucene's analysis, not Kafka, bounds the build
   * (BENCHMARKS.md, Similar products), and its writer takes documents from several threads at once.
   * A partition's records go to one thread, in order, and a poll's are all indexed before the
   * next: a key's records, all in one partition, are applied in the order written.
   */
  private final ExecutorService indexing;
  private final int threads;

  /** @param kafka consumer settings: bootstrap servers and security; the rest is set here */
  public CatalogIndexer(CatalogIndex index, Map<String, Object> kafka, String productsTopic, String advertisersTopic, Duration refresh) {
    this.index = index;
    this.productsTopic = productsTopic;
    this.advertisersTopic = advertisersTopic;
    this.refresh = refresh;
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beacon-catalog-index");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.threads = Math.max(1, Math.min(MAX_INDEXING_THREADS, Runtime.getRuntime().availableProcessors()));
    this.indexing = Executors.newFixedThreadPool(threads, runnable -> {
      Thread worker = new Thread(runnable, "catalog-indexing");
      worker.setDaemon(true);
      return worker;
    });
    this.thread = new Thread(this::run, "catalog-indexer");
    thread.setDaemon(true);
  }

  public void start() {
    started = true;
    thread.start();
  }

  /** Why the index cannot answer: being built, or stopped by a failure; empty once built and following. */
  public Optional<String> notReady() {
    if (failure != null) {
      return Optional.of(failure);
    }
    if (built) {
      return Optional.empty();
    }
    long total = recordsToBuild;
    return Optional.of(total < 0 ? "the catalog index is starting: waiting for the catalog topics"
        : String.format("the catalog index is being built: %,d of %,d catalog records read", recordsRead.get(), total));
  }

  /** Catalog records read since start, the build's included. */
  public long recordsRead() {
    return recordsRead.get();
  }

  /** How long the build at start took; NaN until it is done. */
  public double buildSeconds() {
    return buildSeconds;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = partitions();
      if (partitions.isEmpty()) {
        return;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
      recordsToBuild = ends.entrySet().stream().mapToLong(e -> e.getValue() - starts.get(e.getKey())).sum();
      long startedAt = System.nanoTime();
      long lastRefresh = startedAt;
      long lastLog = startedAt;
      boolean dirty = false;
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(refresh);
        if (!records.isEmpty()) {
          index(records);
          dirty = true;
        }
        long now = System.nanoTime();
        if (!built) {
          if (caughtUp(ends)) {
            index.refresh();
            built = true;
            dirty = false;
            lastRefresh = now;
            double seconds = (now - startedAt) / 1e9;
            buildSeconds = seconds;
            long read = recordsRead.get();
            LOG.info("catalog index built from {} records in {} s ({} records/s, {} indexing threads), {} MiB on disk{}", read,
                String.format("%.1f", seconds), Math.round(read / Math.max(seconds, 1e-3)), threads, index.diskBytes() >> 20,
                skipped.get() == 0 ? "" : "; " + skipped.get() + " unreadable records skipped");
          } else if (now - lastLog >= PROGRESS_LOG.toNanos()) {
            lastLog = now;
            LOG.info("{}", notReady().orElse(""));
          }
        } else if (dirty && now - lastRefresh >= refresh.toNanos()) {
          index.refresh();
          dirty = false;
          lastRefresh = now;
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Answers from an index that no longer follows the catalog would go stale unnoticed.
      failure = "the catalog index stopped following the catalog topics (" + e + "); restart the instance to rebuild it";
      LOG.error("{}", failure, e);
    } finally {
      consumer.close();
      indexing.shutdownNow();
      stopped.countDown();
    }
  }

  /** Indexes a poll's records, each partition's in order on one thread; returns when all are. */
  private void index(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    List<List<TopicPartition>> shares = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      shares.add(new ArrayList<>());
    }
    int next = 0;
    for (TopicPartition partition : records.partitions()) {
      shares.get(next++ % threads).add(partition);
    }
    List<Callable<Void>> tasks = new ArrayList<>();
    for (List<TopicPartition> share : shares) {
      if (!share.isEmpty()) {
        tasks.add(() -> {
          for (TopicPartition partition : share) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
              apply(record);
              recordsRead.incrementAndGet();
            }
          }
          return null;
        });
      }
    }
    for (Future<Void> done : indexing.invokeAll(tasks)) {
      try {
        done.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
      }
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    boolean product = record.topic().equals(productsTopic);
    if (record.key() == null) {
      skip(record, "it has no key");
      return;
    }
    String key = new String(record.key(), StandardCharsets.UTF_8);
    try {
      if (record.value() == null) {
        if (product) {
          index.removeProduct(key);
        } else {
          index.removeAdvertiser(key);
        }
      } else if (product) {
        index.put(products.deserialize(record.topic(), record.value()));
      } else {
        index.put(advertisers.deserialize(record.topic(), record.value()));
      }
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      skip(record, e.getMessage());
    }
  }

  private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
    skipped.incrementAndGet();
    LOG.warn("catalog index: skipped record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), why);
  }

  /** Every partition of both topics, waiting for topics that do not exist yet. */
  private List<TopicPartition> partitions() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(productsTopic, advertisersTopic)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      while ((infos == null || infos.isEmpty()) && !closing) {
        LOG.info("catalog index: waiting for topic {}", topic);
        sleep(TOPIC_WAIT);
        infos = consumer.partitionsFor(topic);
      }
      if (closing) {
        return List.of();
      }
      infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
    }
    return partitions;
  }

  private static void sleep(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing = true;
    if (!started) {
      consumer.close();
      indexing.shutdownNow();
      return;
    }
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
