package io.beacon.service.demo;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.EventRules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
 * filtering), a catalog, seven days of history loaded as a backfill, and live synthetic traffic
 * with skewed product popularity and a true CTR per product, so every window, the chart and the
 * daily history have something to show at once.
 */
public final class DemoTraffic implements AutoCloseable {

  public static final List<String> ADVERTISERS = List.of("acme-shoes", "nordic-outdoor", "city-bikes");
  static final String INACTIVE_ADVERTISER = "closed-store";
  private static final int PRODUCTS_PER_ADVERTISER = 40;
  private static final int EVENTS_PER_TICK = 5;
  private static final long TICK_MS = 100;
  /** History loaded at start, and events per minute in it at the busiest hour of the day. */
  static final Duration HISTORY = Duration.ofDays(7);
  private static final int HISTORY_EVENTS_PER_MINUTE = 100;
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

  /** Registers the demo advertisers and catalog, backfills their history, then sends about 50 events a second. */
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
    long history = backfillHistory(now);
    scheduler.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    LOG.info("demo: backfilled {} events over the last {} days", history, HISTORY.toDays());
    LOG.info("demo: {} advertisers with {} products each, sending ~{} events/s", ADVERTISERS.size(),
        PRODUCTS_PER_ADVERTISER, EVENTS_PER_TICK * 1000 / TICK_MS);
  }

  /**
   * Sends {@link #HISTORY} of traffic before {@code now} as a backfill, busier by day than by night.
   * Each minute's events are made from a seed of that minute, ids included, so a second start over
   * the same state loads the minutes it shares with the first as duplicates. How many it sent.
   */
  private long backfillHistory(Instant now) {
    long sent = 0;
    Instant first = now.truncatedTo(ChronoUnit.MINUTES).minus(HISTORY);
    for (Instant minute = first; minute.isBefore(now.truncatedTo(ChronoUnit.MINUTES)); minute = minute.plus(Duration.ofMinutes(1))) {
      Random seeded = new Random(minute.toEpochMilli());
      int hour = minute.atZone(ZoneOffset.UTC).getHour();
      int events = (int) Math.round(HISTORY_EVENTS_PER_MINUTE * (0.55 - 0.45 * Math.cos((hour - 2) * Math.PI / 12)));
      for (int i = 0; i < events; i++) {
        Instant time = minute.plusMillis(seeded.nextInt(60_000));
        String prefix = "demo-" + minute.toEpochMilli() / 60_000 + "-" + i;
        sent += events(seeded, (advertiser, product, type, click) -> send(prefix + (click ? "c" : ""), time, advertiser, product, type,
            seeded, true));
      }
    }
    producer.flush();
    return sent;
  }

  private interface Sender {
    void send(String advertiser, String product, EventType type, boolean click);
  }

  private void tick() {
    try {
      for (int i = 0; i < EVENTS_PER_TICK; i++) {
        Instant now = Instant.now();
        events(random, (advertiser, product, type, click) -> send(UUID.randomUUID().toString(), now, advertiser, product, type, random,
            false));
      }
    } catch (RuntimeException e) {
      LOG.warn("demo traffic could not send: {}", e.getMessage());
    }
  }

  /**
   * One view or impression of a product of a random advertiser, and a click on the impression at
   * the product's true CTR: product popularity falls off like 1/rank (Zipf). How many events.
   */
  private static int events(Random random, Sender sender) {
    boolean inactive = random.nextInt(100) == 0;
    String advertiser = inactive ? INACTIVE_ADVERTISER : ADVERTISERS.get(random.nextInt(ADVERTISERS.size()));
    int rank = (int) Math.min(PRODUCTS_PER_ADVERTISER, Math.floor(Math.exp(random.nextDouble() * Math.log(PRODUCTS_PER_ADVERTISER + 1))));
    String product = productId(advertiser, Math.max(1, rank));
    double trueCtr = 0.01 + 0.15 * ((rank * 7919) % PRODUCTS_PER_ADVERTISER) / PRODUCTS_PER_ADVERTISER;
    EventType type = random.nextInt(3) == 0 ? EventType.VIEW : EventType.IMPRESSION;
    sender.send(advertiser, product, type, false);
    if (type == EventType.IMPRESSION && random.nextDouble() < trueCtr) {
      sender.send(advertiser, product, EventType.CLICK, true);
      return 2;
    }
    return 1;
  }

  private void send(String id, Instant time, String advertiser, String product, EventType type, Random random, boolean backfill) {
    AdEvent event = AdEvent.newBuilder().setEventId(id).setType(type)
        .setEventTime(time).setAdvertiserId(advertiser).setProductId(product)
        .setUserId("u-" + random.nextInt(1000)).build();
    ProducerRecord<String, Object> record = new ProducerRecord<>(topics.events(), advertiser, event);
    record.headers().add(ProcessingListener.ACCEPTED_AT_HEADER, ProcessingListener.acceptedAt(System.currentTimeMillis()));
    if (backfill) {
      record.headers().add(EventRules.BACKFILL_HEADER, new byte[] {1});
    }
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
