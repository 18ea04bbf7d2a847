package io.beacon.service.demo;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopics;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.beacon.streams.ProcessingListener;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo data for {@code ./beacon start --demo}: a few advertisers (one INACTIVE, to show
 * filtering), a catalog, and live synthetic traffic with skewed product popularity and a true CTR
 * per product, so the rankings have something to show within seconds.
 */
public final class DemoTraffic implements AutoCloseable {

  public static final List<String> ADVERTISERS = List.of("acme-shoes", "nordic-outdoor", "city-bikes");
  static final String INACTIVE_ADVERTISER = "closed-store";
  private static final int PRODUCTS_PER_ADVERTISER = 40;
  private static final int EVENTS_PER_TICK = 20;
  private static final long TICK_MS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);

  private final BeaconTopics topics;
  private final KafkaProducer<String, Object> producer;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "demo-traffic");
    thread.setDaemon(true);
    return thread;
  });
  private final Random random = new Random(42);

  public DemoTraffic(BeaconConfig config) {
    this.topics = config.topics();
    Properties props = new Properties();
    props.putAll(config.kafka());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), DemoTraffic::serialize);
  }

  private static byte[] serialize(String topic, Object value) {
    if (value instanceof AdEvent e) {
      return BeaconSerdes.adEvent().serialize(topic, e);
    }
    if (value instanceof Advertiser a) {
      return BeaconSerdes.advertiser().serialize(topic, a);
    }
    if (value instanceof Product p) {
      return BeaconSerdes.product().serialize(topic, p);
    }
    throw new IllegalArgumentException("not a Beacon record: " + value);
  }

  /** Registers the demo advertisers and catalog, then sends about 200 events a second. */
  public void start() {
    Instant now = Instant.now();
    for (String advertiser : ADVERTISERS) {
      producer.send(new ProducerRecord<>(topics.advertisers(), advertiser, Advertiser.newBuilder()
          .setAdvertiserId(advertiser).setName(title(advertiser)).setStatus(AdvertiserStatus.ACTIVE).setUpdatedAt(now).build()));
      for (int i = 1; i <= PRODUCTS_PER_ADVERTISER; i++) {
        String id = productId(advertiser, i);
        producer.send(new ProducerRecord<>(topics.products(), id, Product.newBuilder()
            .setProductId(id).setAdvertiserId(advertiser).setTitle(title(advertiser) + " item " + i)
            .setCategory(i % 2 == 0 ? "apparel" : "gear").setBrand(title(advertiser)).setPrice(10.0 + i)
            .setUpdatedAt(now).build()));
      }
    }
    producer.send(new ProducerRecord<>(topics.advertisers(), INACTIVE_ADVERTISER, Advertiser.newBuilder()
        .setAdvertiserId(INACTIVE_ADVERTISER).setName("Closed Store").setStatus(AdvertiserStatus.INACTIVE).setUpdatedAt(now).build()));
    producer.flush();
    scheduler.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    LOG.info("demo: {} advertisers with {} products each, sending ~{} events/s", ADVERTISERS.size(),
        PRODUCTS_PER_ADVERTISER, EVENTS_PER_TICK * 1000 / TICK_MS);
  }

  private void tick() {
    try {
      for (int i = 0; i < EVENTS_PER_TICK; i++) {
        boolean inactive = random.nextInt(100) == 0;
        String advertiser = inactive ? INACTIVE_ADVERTISER : ADVERTISERS.get(random.nextInt(ADVERTISERS.size()));
        // Product popularity falls off like 1/rank (Zipf), and each product has its own true CTR.
        int rank = (int) Math.min(PRODUCTS_PER_ADVERTISER, Math.floor(Math.exp(random.nextDouble() * Math.log(PRODUCTS_PER_ADVERTISER + 1))));
        String product = productId(advertiser, Math.max(1, rank));
        double trueCtr = 0.01 + 0.15 * ((rank * 7919) % PRODUCTS_PER_ADVERTISER) / PRODUCTS_PER_ADVERTISER;
        EventType type = random.nextInt(3) == 0 ? EventType.VIEW : EventType.IMPRESSION;
        send(advertiser, product, type);
        if (type == EventType.IMPRESSION && random.nextDouble() < trueCtr) {
          send(advertiser, product, EventType.CLICK);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("demo traffic could not send: {}", e.getMessage());
    }
  }

  private void send(String advertiser, String product, EventType type) {
    AdEvent event = AdEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setType(type)
        .setEventTime(Instant.now()).setAdvertiserId(advertiser).setProductId(product)
        .setUserId("u-" + random.nextInt(1000)).build();
    ProducerRecord<String, Object> record = new ProducerRecord<>(topics.events(), advertiser, event);
    record.headers().add(ProcessingListener.ACCEPTED_AT_HEADER, ProcessingListener.acceptedAt(System.currentTimeMillis()));
    producer.send(record);
  }

  private static String productId(String advertiser, int i) {
    return advertiser + "-p" + i;
  }

  private static String title(String advertiser) {
    StringBuilder title = new StringBuilder();
    for (String word : advertiser.split("-")) {
      title.append(title.isEmpty() ? "" : " ").append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return title.toString();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    producer.close();
  }
}
