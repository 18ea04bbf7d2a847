package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.kafka.embedded.EmbeddedKafkaCluster;
import io.beacon.loadgen.GroundTruth;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Pacer;
import io.beacon.loadgen.TrafficGenerator;
import io.beacon.loadgen.TrafficPlan;
import io.beacon.loadgen.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once under failure: two Beacon processes on a three-node KRaft cluster (RF 3, min ISR 2)
 * count seeded traffic with known truth while, at seeded moments, instances are killed with SIGKILL
 * and restarted and one broker is stopped and started again. Every count, top-N list and stats
 * minute read over HTTP must equal the truth, every rejected event must be on the rejected topic
 * with its reason, and every garbage record on the dead-letter topic.
 *
 * <p>Short form in {@code mvn verify}; the long form is
 * {@code mvn -pl query-service -am verify -Dit.failIfNoSpecifiedTests=false -Dit.test=ChaosIT
 * -Dchaos.events=1000000 -Dchaos.rate=5000} (see RELIABILITY.md).
 */
@Tag("integration")
class ChaosIT {

  static final int EVENTS = Integer.getInteger("chaos.events", 100_000);
  static final long SEED = Long.getLong("chaos.seed", 42);
  /** Slow enough that the traffic spans the whole failure schedule. */
  static final int RATE = Integer.getInteger("chaos.rate", Math.max(1_500, EVENTS / 60));

  @Test
  void everyCountIsExactThroughKilledInstancesAndALostBroker() throws Exception {
    Path dir = Path.of("target", "chaos-" + SEED + "-" + System.currentTimeMillis()).toAbsolutePath();
    Random chaos = new Random(SEED);
    List<String> timeline = new ArrayList<>();
    List<Duration> recoveries = new ArrayList<>();
    long runStarted = System.nanoTime();
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3)) {
      Map<String, String> env = Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "BEACON_APPLICATION_ID", "chaos-" + UUID.randomUUID(),
          "BEACON_REPLICATION_FACTOR", "3",
          "BEACON_PARTITIONS", "6",
          // A killed instance's partitions move after this; the production default is 45 s.
          "BEACON_SESSION_TIMEOUT", "10s");
      List<BeaconProcess> instances = List.of(
          new BeaconProcess("beacon-a", dir.resolve("a"), EmbeddedKafkaBroker.freePort(), env),
          new BeaconProcess("beacon-b", dir.resolve("b"), EmbeddedKafkaBroker.freePort(), env));
      try {
        for (BeaconProcess instance : instances) {
          instance.start();
        }
        for (BeaconProcess instance : instances) {
          instance.awaitReady(Duration.ofMinutes(3));
        }
        TrafficPlan plan = TrafficPlan.ending(Instant.now(), SEED, EVENTS, 20, 50, true);
        GroundTruth truth = GroundTruth.of(plan);
        KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), "beacon.");
        register(plan, sink, instances);

        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
          Pacer pacer = new Pacer(RATE);
          try {
            new TrafficGenerator(plan).generate(planned -> {
              try {
                pacer.tick();
                sink.send(planned);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              truth.record(planned);
            });
            sink.flush();
          } catch (Throwable e) {
            senderFailure.set(e);
          }
        }, "chaos-traffic");
        sender.start();

        // The failure schedule: three SIGKILLs, and one broker down for a while in the middle.
        int kills = 0;
        for (String step : List.of("kill", "broker-stop", "kill", "broker-start", "kill")) {
          Thread.sleep(4_000 + chaos.nextInt(6_000));
          if (step.equals("kill")) {
            BeaconProcess victim = instances.get(chaos.nextInt(instances.size()));
            victim.kill();
            timeline.add(String.format("%5.1f s  SIGKILL %s", seconds(runStarted), victim.url()));
            Thread.sleep(1_000 + chaos.nextInt(3_000));
            victim.start();
            Duration recovery = victim.awaitReady(Duration.ofMinutes(3));
            recoveries.add(recovery);
            kills++;
            timeline.add(String.format("%5.1f s  %s ready again after %.1f s", seconds(runStarted), victim.url(), recovery.toMillis() / 1000.0));
          } else if (step.equals("broker-stop")) {
            kafka.stop(1);
            timeline.add(String.format("%5.1f s  broker 2 stopped", seconds(runStarted)));
          } else {
            kafka.restart(1);
            timeline.add(String.format("%5.1f s  broker 2 started again", seconds(runStarted)));
          }
        }
        sender.join();
        sink.close();
        if (senderFailure.get() != null) {
          throw new AssertionError("sending traffic failed", senderFailure.get());
        }
        timeline.add(String.format("%5.1f s  all %d records sent", seconds(runStarted), truth.sent));

        Verifier verifier = new Verifier(instances.get(0).url(), null);
        // Two instances, three brokers and this test share the machine: allow 1 ms per event, 5 min at least.
        verifier.awaitProcessed(truth, Duration.ofSeconds(Math.max(300, EVENTS / 1_000)));
        Verifier.Report report = verifier.verify(truth);
        Map<String, Long> rejectedTopic = reasons(kafka.bootstrapServers(), "beacon.events.rejected");
        long dlqTopic = reasons(kafka.bootstrapServers(), "beacon.events.dlq").values().stream().mapToLong(Long::longValue).sum();

        String summary = summary(truth, report, rejectedTopic, dlqTopic, kills, recoveries, timeline, seconds(runStarted));
        System.out.println(summary);
        Files.writeString(dir.resolve("summary.txt"), summary);
        assertEquals(List.of(), report.differences(), "counts, rankings and minutes must equal the truth");
        assertEquals(truth.rejected.entrySet().stream().filter(e -> e.getValue() > 0)
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)), rejectedTopic,
            "every rejected event on beacon.events.rejected, once, with its reason");
        assertEquals(truth.dlq, dlqTopic, "every garbage record on beacon.events.dlq, once");
        assertTrue(kills >= 3);
      } finally {
        for (BeaconProcess instance : instances) {
          instance.close();
        }
      }
    }
  }

  /** Registers the plan's advertisers and waits until both instances know them. */
  private static void register(TrafficPlan plan, KafkaSink sink, List<BeaconProcess> instances) throws Exception {
    for (int a = 0; a < plan.advertisers(); a++) {
      sink.advertiser(plan.activeAdvertiser(a), "ACTIVE");
    }
    for (int a = 0; a < 2; a++) {
      sink.advertiser(plan.inactiveAdvertiser(a), "INACTIVE");
    }
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (BeaconProcess instance : instances) {
      for (String id : List.of(plan.activeAdvertiser(plan.advertisers() - 1), plan.inactiveAdvertiser(1))) {
        BeaconUnderTest.await(id + " known to " + instance.url(), () -> http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(instance.url() + "/v1/advertisers/" + id)).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      }
    }
  }

  /** Committed records of a topic, counted by their reason header (or "DLQ" for the dead-letter topic). */
  private static Map<String, Long> reasons(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Long> counts = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long idleSince = System.nanoTime();
      while (System.nanoTime() - idleSince < Duration.ofSeconds(5).toNanos()) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          idleSince = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          var header = record.headers().lastHeader("beacon.reason");
          counts.merge(header == null ? "DLQ" : new String(header.value(), StandardCharsets.UTF_8), 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String summary(GroundTruth truth, Verifier.Report report, Map<String, Long> rejectedTopic, long dlqTopic,
      int kills, List<Duration> recoveries, List<String> timeline, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("%nChaos run, seed %d, %d primary events, %.0f s%n", SEED, EVENTS, seconds));
    s.append(String.format("%-28s %12s %12s%n", "", "truth", "Beacon"));
    s.append(String.format("%-28s %12d %12s%n", "records sent", truth.sent, ""));
    s.append(String.format("%-28s %12d %12d%n", "counted", truth.accepted, report.accepted()));
    truth.rejected.forEach((reason, count) -> s.append(String.format("%-28s %12d %12d%n", "rejected " + reason, count,
        rejectedTopic.getOrDefault(reason, 0L))));
    s.append(String.format("%-28s %12d %12d%n", "dead-lettered", truth.dlq, dlqTopic));
    s.append(String.format("%-28s %12d%n", "advertisers checked", report.advertisersChecked()));
    s.append(String.format("%-28s %12d%n", "minute buckets checked", report.minutesChecked()));
    s.append(String.format("%-28s %12d%n", "differences", report.differences().size()));
    s.append(String.format("%-28s %12d%n", "instance kills (SIGKILL)", kills));
    s.append(String.format("%-28s %12s%n", "recovery per kill (s)",
        recoveries.stream().map(d -> String.format("%.1f", d.toMillis() / 1000.0)).toList()));
    s.append("timeline:\n");
    timeline.forEach(line -> s.append("  ").append(line).append('\n'));
    report.differences().stream().limit(20).forEach(d -> s.append("  DIFF ").append(d).append('\n'));
    return s.toString();
  }
}
