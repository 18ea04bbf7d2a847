package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Pacer;
import io.beacon.loadgen.Planned;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Background traffic written straight to Kafka (as a server-side producer would) at a steady rate:
 * views and impressions stamped with the current time, each with its own id, spread over
 * {@code advertisers} advertisers of {@code products} products, and, when asked, by users each new
 * to Beacon for a few events. It keeps the topology busy while a benchmark measures something else;
 * the collector is left out of it.
 */
final class SteadyLoad implements AutoCloseable {

  private final KafkaSink sink;
  private final Thread sender;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private volatile boolean running = true;

  private SteadyLoad(KafkaSink sink, int perSecond, int advertisers, int products, int eventsPerUser) {
    this.sink = sink;
    this.sender = new Thread(() -> send(perSecond, advertisers, products, eventsPerUser), "steady-load");
  }

  /**
   * Registers the load's advertisers (ACTIVE), waits until {@code beacon} has read them, and starts
   * sending {@code perSecond} events a second.
   */
  static SteadyLoad start(String bootstrap, String topicPrefix, BeaconClient beacon, int perSecond, int advertisers,
      int products) throws Exception {
    return start(bootstrap, topicPrefix, beacon, perSecond, advertisers, products, 0);
  }

  /**
   * As above, each event with a user id: {@code eventsPerUser} events in a row by one user, then
   * the next user (0: no user ids).
   */
  static SteadyLoad start(String bootstrap, String topicPrefix, BeaconClient beacon, int perSecond, int advertisers,
      int products, int eventsPerUser) throws Exception {
    KafkaSink sink = new KafkaSink(bootstrap, topicPrefix);
    try {
      for (int a = 0; a < advertisers; a++) {
        sink.advertiser(advertiser(a), "ACTIVE");
      }
      beacon.awaitAdvertiser(advertiser(advertisers - 1));
    } catch (Exception e) {
      sink.close();
      throw e;
    }
    SteadyLoad load = new SteadyLoad(sink, perSecond, advertisers, products, eventsPerUser);
    load.sender.start();
    return load;
  }

  private static String advertiser(int i) {
    return "load-adv-" + i;
  }

  private void send(int perSecond, int advertisers, int products, int eventsPerUser) {
    SplittableRandom random = new SplittableRandom(1);
    Pacer pacer = new Pacer(perSecond);
    try {
      while (running) {
        long n = sent.get();
        String advertiser = advertiser(random.nextInt(advertisers));
        AdEvent event = AdEvent.newBuilder().setEventId("load-" + n)
            .setType(random.nextInt(10) == 0 ? EventType.IMPRESSION : EventType.VIEW)
            .setEventTime(Instant.now()).setAdvertiserId(advertiser).setProductId("p" + random.nextInt(products))
            .setUserId(eventsPerUser > 0 ? "load-u" + n / eventsPerUser : null)
            .build();
        sink.send(new Planned(advertiser, event, null, Planned.COUNTED));
        sent.incrementAndGet();
        pacer.tick();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure.set(e);
    }
  }

  long sent() {
    return sent.get();
  }

  /** Stops sending and flushes; fails if any record could not be written. */
  @Override
  public void close() throws Exception {
    running = false;
    sender.join();
    try {
      sink.flush();
    } finally {
      sink.close();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }
}
