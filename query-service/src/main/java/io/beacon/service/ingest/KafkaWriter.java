package io.beacon.service.ingest;

import io.beacon.service.problem.ProblemException;
import io.beacon.streams.BeaconConfig;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records for the HTTP collector and answers only once Kafka has them on every in-sync
 * replica (idempotent producer, {@code acks=all}); a client that got 2xx never loses an event.
 */
@Singleton
public final class KafkaWriter {

  /** How long a request waits for Kafka before answering 503. */
  static final int TIMEOUT_MS = 10_000;
  static final int RETRY_AFTER_SECONDS = 5;
  /** Share of the producer's buffer that must be free for a send from an event loop. */
  static final double FREE_BUFFER_FOR_EVENT_LOOP = 0.25;
  /**
   * For this long after an acknowledged write to a topic, the producer is taken to hold the topic's
   * metadata: it drops a topic's metadata only after metadata.max.idle.ms (5 minutes) without sends.
   */
  static final long METADATA_HELD_MS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaWriter.class);

  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService blocking;
  private final Metric bufferAvailableBytes;
  private final double bufferTotalBytes;
  private final Map<String, Long> lastAcknowledgedAt = new ConcurrentHashMap<>();

  KafkaWriter(BeaconConfig config, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    Properties props = new Properties();
    props.putAll(config.kafka());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-collector");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A pixel's answer waits for its acknowledgement: 5 ms of linger capped 64 connections at about
    // 10k pixels/s. 1 ms gathers several pixels per produce request, which cut the broker's CPU per
    // pixel by about a third against no linger (BENCHMARKS.md, Collector).
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS / 2);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS / 2);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.blocking = blocking;
    this.bufferAvailableBytes = producerMetric("buffer-available-bytes");
    this.bufferTotalBytes = (double) producerMetric("buffer-total-bytes").metricValue();
  }

  private Metric producerMetric(String name) {
    return producer.metrics().entrySet().stream()
        .filter(metric -> metric.getKey().name().equals(name) && metric.getKey().group().equals("producer-metrics"))
        .findFirst().orElseThrow(() -> new IllegalStateException("the Kafka producer has no metric " + name)).getValue();
  }

  /**
   * Sends the records and waits for every acknowledgement.
   *
   * @throws ProblemException 503 when Kafka does not acknowledge them all in time; some may have
   *     been written, so clients resend with the same ids (duplicates of an id count once)
   */
  public void write(List<ProducerRecord<String, byte[]>> records) {
    try {
      // The producer answers within delivery.timeout.ms; the extra second only guards against a hang.
      writeAsync(records).get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (ProblemException) e.getCause();
    } catch (TimeoutException e) {
      logFailure(records, e);
      throw notAcknowledged(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("interrupted while waiting for Kafka", RETRY_AFTER_SECONDS);
    }
  }

  /**
   * Sends the records; the answer completes once Kafka has acknowledged every one, or with the 503
   * of {@link #write} when it does not within delivery.timeout.ms. No thread waits for the
   * acknowledgements, but call it off the event loop: {@code send} blocks while the producer waits
   * for metadata or for buffer space (up to max.block.ms).
   */
  CompletableFuture<Void> writeAsync(List<ProducerRecord<String, byte[]>> records) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    if (records.isEmpty()) {
      written.complete(null);
      return written;
    }
    AtomicInteger unacknowledged = new AtomicInteger(records.size());
    Callback callback = (metadata, e) -> {
      if (e != null) {
        fail(written, records, e);
      } else {
        acknowledged(metadata.topic());
        if (unacknowledged.decrementAndGet() == 0) {
          written.complete(null);
        }
      }
    };
    try {
      for (ProducerRecord<String, byte[]> record : records) {
        producer.send(record, callback);
      }
    } catch (RuntimeException e) {
      fail(written, records, e);
    }
    return written;
  }

  /**
   * As {@link #writeAsync}, for a caller on an event loop, which must never wait: the records are
   * sent from this thread when the producer can take them at once (it holds the topic's metadata
   * and a quarter of its buffer is free), else from the blocking executor. Handing every pixel to
   * an executor thread and back cost more than the pixel's own work (BENCHMARKS.md, Collector).
   */
  CompletableFuture<Void> writeAsyncFromEventLoop(List<ProducerRecord<String, byte[]>> records) {
    if (records.isEmpty() || takesAtOnce(records.get(0).topic())) {
      return writeAsync(records);
    }
    return CompletableFuture.supplyAsync(() -> writeAsync(records), blocking).thenCompose(written -> written);
  }

  /** Whether {@code send} to this topic returns without waiting for metadata or buffer space. */
  boolean takesAtOnce(String topic) {
    Long acknowledgedAt = lastAcknowledgedAt.get(topic);
    return acknowledgedAt != null && System.currentTimeMillis() - acknowledgedAt < METADATA_HELD_MS
        && (double) bufferAvailableBytes.metricValue() >= FREE_BUFFER_FOR_EVENT_LOOP * bufferTotalBytes;
  }

  private void acknowledged(String topic) {
    long now = System.currentTimeMillis();
    Long before = lastAcknowledgedAt.get(topic);
    if (before == null || now - before > 1_000) { // one map write a second, not one per record
      lastAcknowledgedAt.put(topic, now);
    }
  }

  private static void fail(CompletableFuture<Void> written, List<ProducerRecord<String, byte[]>> records, Exception cause) {
    if (written.completeExceptionally(notAcknowledged(cause))) { // once per write, however many records failed
      logFailure(records, cause);
    }
  }

  private static ProblemException notAcknowledged(Exception cause) {
    return ProblemException.unavailable("Kafka did not acknowledge the write: " + cause.getMessage()
        + ". Some records may have been written. Resend with an event_id on every event (ids the collector minted"
        + " are lost with this answer), and duplicates count once", RETRY_AFTER_SECONDS);
  }

  private static void logFailure(List<ProducerRecord<String, byte[]>> records, Exception cause) {
    LOG.warn("Kafka did not acknowledge {} records for topic {} (first key {}): {}", records.size(),
        records.get(0).topic(), records.get(0).key(), cause.toString());
  }

  @PreDestroy
  void close() {
    producer.close();
  }
}
