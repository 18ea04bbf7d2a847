package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.kafka.embedded.EmbeddedKafkaCluster;
import io.beacon.loadgen.GroundTruth;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Pacer;
import io.beacon.loadgen.Planned;
import io.beacon.loadgen.TrafficGenerator;
import io.beacon.loadgen.TrafficPlan;
import io.beacon.loadgen.Verifier;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Exactly-once under failure: two Beacon processes on a three-node KRaft cluster (RF 3, min ISR 2)
 * count seeded traffic with known truth while, at seeded moments, instances are killed with SIGKILL
 * and restarted, one is paused (SIGSTOP) past its session timeout while the other takes over and
 * then resumed (a zombie that must be fenced), and one broker is stopped and started again.
 * Throughout, ids already counted are sent again: single events 1 s and 30 s after they were sent
 * and 10 minutes of event time later, and whole recent batches through the HTTP collector, resent
 * to the other instance when one does not answer or answers 503, as a client does. Every count,
 * top-N list and stats minute read over HTTP must equal the truth, every rejected event must be on
 * the rejected topic with its reason, and every garbage record on the dead-letter topic.
 *
 * <p>Short form in {@code mvn verify}; {@code -Dchaos.repeat=N} runs it N times with seeds
 * {@code chaos.seed}, {@code chaos.seed + 1}, …, each run's figures appended to {@code
 * target/chaos-runs.txt}; the long form is {@code -Dchaos.events=1000000 -Dchaos.rate=5000} (see
 * RELIABILITY.md).
 */
@Tag("integration")
class ChaosIT {

  static final int EVENTS = Integer.getInteger("chaos.events", 100_000);
  static final long SEED = Long.getLong("chaos.seed", 42);
  static final int REPEAT = Integer.getInteger("chaos.repeat", 1);
  /** Slow enough that the traffic spans the whole failure schedule. */
  static final int RATE = Integer.getInteger("chaos.rate", Math.max(800, EVENTS / 120));
  /** The instances' session timeout: a killed or paused instance's partitions move after it. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  static final Path RUNS = Path.of("target", "chaos-runs.txt").toAbsolutePath();

  @TestFactory
  Stream<DynamicTest> everyCountIsExactThroughKilledAndPausedInstancesALostBrokerAndResends() {
    return LongStream.range(SEED, SEED + REPEAT).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
  }

  private void run(long seed) throws Exception {
    Path dir = Path.of("target", "chaos-" + seed + "-" + System.currentTimeMillis()).toAbsolutePath();
    Random chaos = new Random(seed);
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
          "BEACON_SESSION_TIMEOUT", SESSION_TIMEOUT.toSeconds() + "s");
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
        TrafficPlan plan = TrafficPlan.ending(Instant.now(), seed, EVENTS, 20, 50, true);
        GroundTruth truth = GroundTruth.of(plan);
        KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), "beacon.");
        register(plan, sink, instances);

        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        Resends resends = new Resends(new Random(seed * 31 + 7));
        Thread sender = new Thread(() -> {
          Pacer pacer = new Pacer(RATE);
          try {
            new TrafficGenerator(plan).generate(planned -> {
              try {
                pacer.tick();
                sink.send(planned);
                truth.record(planned);
                for (Planned again : resends.after(planned)) {
                  sink.send(again);
                  truth.record(again);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
            sink.flush();
          } catch (Throwable e) {
            senderFailure.set(e);
          }
        }, "chaos-traffic");
        BatchResender batches = new BatchResender(resends, instances, truth, new Random(seed * 31 + 11));
        Thread batchSender = new Thread(() -> {
          try {
            batches.run(sender::isAlive);
          } catch (Throwable e) {
            senderFailure.set(e);
          }
        }, "chaos-batch-resends");
        sender.start();
        batchSender.start();

        // The failure schedule: three SIGKILLs, one instance paused past its session timeout, and
        // one broker down for a while in the middle.
        int kills = 0;
        for (String step : List.of("kill", "broker-stop", "pause", "kill", "broker-start", "kill")) {
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
          } else if (step.equals("pause")) {
            BeaconProcess zombie = instances.get(chaos.nextInt(instances.size()));
            zombie.pause();
            timeline.add(String.format("%5.1f s  SIGSTOP %s", seconds(runStarted), zombie.url()));
            Thread.sleep(SESSION_TIMEOUT.plusSeconds(5).toMillis());
            zombie.resume();
            timeline.add(String.format("%5.1f s  SIGCONT %s", seconds(runStarted), zombie.url()));
            Duration recovery = zombie.awaitReady(Duration.ofMinutes(3));
            timeline.add(String.format("%5.1f s  %s ready again after %.1f s", seconds(runStarted), zombie.url(),
                recovery.toMillis() / 1000.0));
          } else if (step.equals("broker-stop")) {
            kafka.stop(1);
            timeline.add(String.format("%5.1f s  broker 2 stopped", seconds(runStarted)));
          } else {
            kafka.restart(1);
            timeline.add(String.format("%5.1f s  broker 2 started again", seconds(runStarted)));
          }
        }
        sender.join();
        batchSender.join();
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

        String summary = summary(seed, truth, report, rejectedTopic, dlqTopic, kills, recoveries, resends, batches, timeline,
            seconds(runStarted));
        System.out.println(summary);
        Files.writeString(dir.resolve("summary.txt"), summary);
        Files.writeString(RUNS, runLine(seed, truth, report, rejectedTopic, resends, batches, seconds(runStarted)),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertEquals(List.of(), report.differences(), "counts, rankings and minutes must equal the truth");
        long duplicatesOnTopic = rejectedTopic.getOrDefault("DUPLICATE", 0L);
        assertTrue(duplicatesOnTopic >= truth.rejected.get("DUPLICATE")
            && duplicatesOnTopic <= truth.rejected.get("DUPLICATE") + truth.uncertainDuplicates,
            "every duplicate on beacon.events.rejected once: " + duplicatesOnTopic + " for " + truth.rejected.get("DUPLICATE")
                + " (+ up to " + truth.uncertainDuplicates + " from resends after uncertain failures)");
        rejectedTopic.remove("DUPLICATE");
        assertEquals(truth.rejected.entrySet().stream().filter(e -> e.getValue() > 0 && !e.getKey().equals("DUPLICATE"))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)), rejectedTopic,
            "every rejected event on beacon.events.rejected, once, with its reason");
        assertEquals(truth.dlq, dlqTopic, "every garbage record on beacon.events.dlq, once");
        assertTrue(kills >= 3);
        assertTrue(resends.total() > 0 && batches.delivered > 0, "ids already counted were sent again: " + resends + ", " + batches);
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

  /** One line of target/chaos-runs.txt: a run's figures, as RELIABILITY.md reports them. */
  private static String runLine(long seed, GroundTruth truth, Verifier.Report report, Map<String, Long> rejectedTopic,
      Resends resends, BatchResender batches, double seconds) {
    return String.format("seed %d: %.0f s, sent %d, counted %d of %d, DUPLICATE %d of %d (+%d uncertain), rejected topic %s,"
        + " ids sent again %d, batches %d (%d events), differences %d%n", seed, seconds, truth.sent, report.accepted(), truth.accepted,
        report.rejected().getOrDefault("DUPLICATE", 0L), truth.rejected.get("DUPLICATE"), truth.uncertainDuplicates, rejectedTopic,
        resends.total(), batches.delivered, batches.events, report.differences().size());
  }

  /**
   * Single events sent again, each the copy of an event counted earlier: one sent about 1 s ago,
   * one about 30 s ago, one 10 minutes of event time before the event just sent. Only events still
   * well within the grace period, so each is a DUPLICATE, not LATE.
   */
  static final class Resends {

    private static final double RATE = 0.002;
    /** Event time a resend may trail the newest event sent: the grace period (1 h) less room for a late write. */
    private static final long MAX_BEHIND_MS = Duration.ofMinutes(40).toMillis();
    private static final long KEEP_NANOS = Duration.ofSeconds(40).toNanos();

    private record Sent(long atNanos, Planned planned) {}

    private final Random random;
    private final Deque<Sent> recent = new ArrayDeque<>();
    private long newestEventTime;
    private int afterOneSecond;
    private int afterThirtySeconds;
    private int tenMinutesOfEventTimeLater;

    Resends(Random random) {
      this.random = random;
    }

    /** Remembers a sent record; the copies of earlier events to send after it. */
    synchronized List<Planned> after(Planned planned) {
      long now = System.nanoTime();
      if (planned.event() != null && planned.outcome().equals(Planned.COUNTED)) {
        recent.addLast(new Sent(now, planned));
        newestEventTime = Math.max(newestEventTime, planned.event().getEventTime().toEpochMilli());
      }
      while (!recent.isEmpty() && now - recent.peekFirst().atNanos() > KEEP_NANOS) {
        recent.removeFirst();
      }
      List<Planned> again = new ArrayList<>(0);
      if (random.nextDouble() < RATE) {
        sentBefore(now - 1_000_000_000L).ifPresent(copy -> {
          again.add(copy);
          afterOneSecond++;
        });
      }
      if (random.nextDouble() < RATE) {
        sentBefore(now - 30_000_000_000L).ifPresent(copy -> {
          again.add(copy);
          afterThirtySeconds++;
        });
      }
      if (random.nextDouble() < RATE && planned.event() != null) {
        long target = planned.event().getEventTime().toEpochMilli() - Duration.ofMinutes(10).toMillis();
        recent.stream().filter(sent -> sent.planned().event().getEventTime().toEpochMilli() <= target)
            .reduce((first, second) -> second).map(sent -> duplicate(sent.planned())).filter(this::withinGrace)
            .ifPresent(copy -> {
              again.add(copy);
              tenMinutesOfEventTimeLater++;
            });
      }
      return again;
    }

    /** The last {@code size} counted events sent, as duplicates, for a batch resend. */
    synchronized List<Planned> lastBatch(int size) {
      List<Planned> batch = new ArrayList<>(size);
      recent.descendingIterator().forEachRemaining(sent -> {
        if (batch.size() < size) {
          batch.add(duplicate(sent.planned()));
        }
      });
      return batch;
    }

    /** The newest counted event sent before {@code nanos}, as a duplicate, if still well within the grace. */
    private Optional<Planned> sentBefore(long nanos) {
      Planned found = null;
      for (Sent sent : recent) {
        if (sent.atNanos() > nanos) {
          break;
        }
        found = sent.planned();
      }
      return Optional.ofNullable(found).map(Resends::duplicate).filter(this::withinGrace);
    }

    private boolean withinGrace(Planned copy) {
      return copy.event().getEventTime().toEpochMilli() >= newestEventTime - MAX_BEHIND_MS;
    }

    private static Planned duplicate(Planned original) {
      return new Planned(original.key(), original.event(), null, "DUPLICATE");
    }

    synchronized int total() {
      return afterOneSecond + afterThirtySeconds + tenMinutesOfEventTimeLater;
    }

    @Override
    public synchronized String toString() {
      return String.format("%d after 1 s, %d after 30 s, %d ten minutes of event time later", afterOneSecond, afterThirtySeconds,
          tenMinutesOfEventTimeLater);
    }
  }

  /**
   * A client that sends the last 50 to 200 counted events again as one batch every 2 to 4 s,
   * through {@code POST /v1/events} of an instance picked at random, and sends the same batch to
   * the other instance when one refuses the connection, does not answer in time or answers 5xx.
   * A batch that got no answer or a 5xx may have been written in part: its events are counted as
   * uncertain duplicates.
   */
  static final class BatchResender {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Resends resends;
    private final List<BeaconProcess> instances;
    private final GroundTruth truth;
    private final Random random;
    int delivered;
    int events;
    int retries;

    BatchResender(Resends resends, List<BeaconProcess> instances, GroundTruth truth, Random random) {
      this.resends = resends;
      this.instances = instances;
      this.truth = truth;
      this.random = random;
    }

    void run(java.util.function.BooleanSupplier trafficFlowing) throws Exception {
      while (trafficFlowing.getAsBoolean()) {
        Thread.sleep(2_000 + random.nextInt(2_000));
        List<Planned> batch = resends.lastBatch(50 + random.nextInt(151));
        if (!batch.isEmpty()) {
          send(batch);
        }
      }
    }

    private void send(List<Planned> batch) throws Exception {
      ArrayNode body = BeaconUnderTest.JSON.createArrayNode();
      for (Planned planned : batch) {
        var e = planned.event();
        body.addObject().put("event_id", e.getEventId()).put("type", e.getType().name().toLowerCase())
            .put("event_time", e.getEventTime().toEpochMilli()).put("advertiser_id", e.getAdvertiserId())
            .put("product_id", e.getProductId()).put("user_id", e.getUserId());
      }
      int instance = random.nextInt(instances.size());
      for (int attempt = 0; attempt < 120; attempt++, instance = (instance + 1) % instances.size()) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(instances.get(instance).url() + "/v1/events"))
            .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        int status;
        try {
          status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
          status = 0; // nothing was written
        } catch (IOException e) {
          status = -1; // no answer in time: the instance may still write it
        }
        if (status == 202) {
          batch.forEach(truth::record);
          delivered++;
          events += batch.size();
          return;
        }
        if (status >= 400 && status < 500) {
          throw new AssertionError("a valid batch answered " + status);
        }
        if (status != 0) {
          truth.uncertainDuplicates(batch.size());
        }
        retries++;
        Thread.sleep(500);
      }
      throw new AssertionError("no instance took a batch in 120 attempts");
    }

    @Override
    public String toString() {
      return String.format("%d batches, %d events, %d resends after no answer or 5xx", delivered, events, retries);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String summary(long seed, GroundTruth truth, Verifier.Report report, Map<String, Long> rejectedTopic, long dlqTopic,
      int kills, List<Duration> recoveries, Resends resends, BatchResender batches, List<String> timeline, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("%nChaos run, seed %d, %d primary events, %.0f s%n", seed, EVENTS, seconds));
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
    s.append(String.format("%-28s %s%n", "ids sent again", resends));
    s.append(String.format("%-28s %s%n", "batches sent again (HTTP)", batches));
    s.append("timeline:\n");
    timeline.forEach(line -> s.append("  ").append(line).append('\n'));
    report.differences().stream().limit(20).forEach(d -> s.append("  DIFF ").append(d).append('\n'));
    return s.toString();
  }
}
