package io.beacon.loadgen;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.serde.BeaconSerdes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records straight to Beacon's topics with an idempotent producer that retries for up to
 * ten minutes: a broker that is down for a while delays the run but never loses or repeats a
 * record, so the ground truth stays the truth.
 */
public final class KafkaSink implements Sink {

  private final KafkaProducer<String, byte[]> producer;
  private final String events;
  private final String advertisers;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaSink(String bootstrapServers, String topicPrefix) {
    this.events = topicPrefix + "events";
    this.advertisers = topicPrefix + "advertisers";
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000), new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public void advertiser(String id, String status) throws Exception {
    Advertiser advertiser = Advertiser.newBuilder().setAdvertiserId(id).setName(id)
        .setStatus(AdvertiserStatus.valueOf(status)).setUpdatedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(advertisers, id, BeaconSerdes.advertiser().serialize(advertisers, advertiser))).get();
  }

  @Override
  public void send(Planned planned) throws Exception {
    Exception failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    byte[] value = planned.event() != null ? BeaconSerdes.adEvent().serialize(events, planned.event()) : planned.garbage();
    producer.send(new ProducerRecord<>(events, planned.key(), value), (metadata, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    });
  }

  @Override
  public void flush() throws Exception {
    producer.flush();
    Exception failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
