package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.Planned;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Memory and restore, in one run because both need the same large state. One Beacon instance (as
 * shipped: application id {@code beacon}, topics {@code beacon.*}, RocksDB bounded by
 * {@code beacon.rocksdb.cache-bytes}) counts events written straight to Kafka that make
 * {@code --keys} distinct (advertiser, product, minute) keys; then its RSS, RocksDB on disk and
 * RocksDB's own memory figures; then RSS every few seconds under steady load. Then it stops, and
 * fresh instances, one after another, each with the same application id and an empty state
 * directory, restore everything from the changelogs: the time until each answers the same as the
 * first did. The state is built once: counting 10M keys takes minutes, and its size does not vary
 * from run to run the way a time does.
 */
final class MemoryBench {

  private static final String HEAP = "1g";
  private static final String APPLICATION_ID = "beacon";
  private static final double MIB = 1024 * 1024;
  /** The figure; the default is smaller so that counting takes minutes, not most of an hour. */
  private static final double TEN_MILLION = 10_000_000;
  /** No progress for this long means the instance is stuck: give up rather than wait forever. */
  private static final Duration STALLED = Duration.ofMinutes(5);

  /** The {@code memory} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    int keys = args.positive("--keys", 10_000_000);
    int loadMinutes = args.positive("--load-minutes", 10);
    int loadRate = args.positive("--load-rate", 2000);
    int sampleSeconds = args.positive("--sample-seconds", 10);
    int restoreRuns = args.positive("--restore-runs", 3);
    List<String> jvmOptions = args.words("--beacon-jvm");
    args.rejectUnread();
    DistinctKeys plan = DistinctKeys.atLeast(keys, Instant.now());
    Duration sample = Duration.ofSeconds(sampleSeconds);
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
        KafkaState kafka = new KafkaState(broker.bootstrapServers())) {
      Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      String query = "/v1/advertisers/" + DistinctKeys.advertiser(0) + "/recommendations?window=24h&n=10&at=" + plan.end();
      long started = System.nanoTime();
      Path firstDir = dir.resolve("first");
      String answer;
      String memory;
      RssSeries underLoad;
      double emptyStartSeconds;
      try (BeaconInstance first = BeaconInstance.start("beacon-first", firstDir, EmbeddedKafkaBroker.freePort(), HEAP,
          jvmOptions, env, BeaconInstance.READY_TIMEOUT)) {
        emptyStartSeconds = secondsSince(started);
        BeaconClient beacon = new BeaconClient(first.url());
        double perSecond = ingest(plan, broker.bootstrapServers(), beacon, first, kafka, sample, out);
        memory = memory(first, beacon, BeaconInstance.stateDir(firstDir), out) + String.format(Locale.ROOT,
            "; counted at %,.0f events/s, so 10M keys take ~%.0f min", perSecond, TEN_MILLION / perSecond / 60);
        underLoad = underLoad(broker.bootstrapServers(), beacon, first, kafka, loadRate, Duration.ofMinutes(loadMinutes),
            sample, out);
        answer = beacon.send("GET", query, null, 200);
      }
      KafkaState.TopicsSize changelogs = kafka.changelogs(APPLICATION_ID);
      out.printf(Locale.ROOT, "bench: restore: first instance stopped; changelogs hold %,d records, %,.0f MiB%n",
          changelogs.records(), changelogs.bytes() / MIB);
      List<Restore> restores = new ArrayList<>();
      for (int run = 1; run <= restoreRuns; run++) {
        restores.add(restore("beacon-restore-" + run, dir.resolve("restore-" + run), jvmOptions, env, query, answer, out));
      }
      return List.of(
          new Figure(String.format(Locale.ROOT, "memory after %,d distinct (advertiser, product, minute) keys "
              + "(1 run; -Xmx%s, `beacon.rocksdb.cache-bytes` 256 MiB)", plan.keys(), HEAP), memory, "—", "—",
              "RocksDB memory bounded by config (shared block cache + write buffer manager), RSS flat"),
          new Figure(String.format(Locale.ROOT, "memory, RSS every %d s over %d min of %,d events/s (1 run)",
              sampleSeconds, loadMinutes, loadRate), underLoad.describe(), "—", "—", "RSS flat"),
          new Figure(String.format(Locale.ROOT, "restore: a new instance, empty state, same application id, "
                  + "from changelogs of %,d records, %,.0f MiB (%s)", changelogs.records(), changelogs.bytes() / MIB,
              restoreRuns == 1 ? "1 run" : restoreRuns + " runs, one after another"),
              String.format(Locale.ROOT, "ready in %s s, the same answer in %s s (a first start with no state: ready in %.0f s)",
                  Sample.of(restores, Restore::readySeconds).describe("%.0f"),
                  Sample.of(restores, Restore::sameAnswerSeconds).describe("%.0f"), emptyStartSeconds),
              "—", "—", "report it"));
    }
  }

  /** Writes the plan's events and waits until the instance has counted them all, printing progress. */
  private static double ingest(DistinctKeys plan, String bootstrap, BeaconClient beacon, BeaconInstance instance,
      KafkaState kafka, Duration sample, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "bench: memory: writing %,d events (%d advertisers × %d products × %,d minutes from %s) "
        + "straight to Kafka%n", plan.keys(), plan.advertisers(), plan.products(), plan.minutes(), plan.start());
    long started = System.nanoTime();
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      for (int a = 0; a < plan.advertisers(); a++) {
        sink.advertiser(DistinctKeys.advertiser(a), "ACTIVE");
      }
      beacon.awaitAdvertiser(DistinctKeys.advertiser(plan.advertisers() - 1));
      long printedAt = started;
      for (long i = 0; i < plan.keys(); i++) {
        AdEvent event = plan.event(i);
        sink.send(new Planned(event.getAdvertiserId(), event, null, Planned.COUNTED));
        if (System.nanoTime() - printedAt > sample.toNanos()) {
          printedAt = System.nanoTime();
          progress(String.format(Locale.ROOT, "written %,d", i), started, instance, kafka, out);
        }
      }
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: memory: all written in %.0f s; waiting until counted%n", secondsSince(started));
    awaitCounted(started, instance, kafka, sample, out);
    double seconds = secondsSince(started);
    var stats = beacon.json("/v1/stats");
    double perSecond = plan.keys() / seconds;
    out.printf(Locale.ROOT, "bench: memory: counted in %.0f s (%,.0f events/s from the first write; 10,000,000 keys "
        + "would take %.0f min at this rate); /v1/stats: accepted %,d, rejected %s%n", seconds, perSecond,
        TEN_MILLION / perSecond / 60, stats.at("/events/accepted").asLong(), stats.at("/events/rejected"));
    return perSecond;
  }

  /** Waits until the instance's consumer group has committed every input record, printing progress. */
  private static void awaitCounted(long started, BeaconInstance instance, KafkaState kafka, Duration sample,
      PrintStream out) throws Exception {
    long lag = Long.MAX_VALUE;
    long progressAt = System.nanoTime();
    while (lag > 0) {
      long now = kafka.lag(APPLICATION_ID, "beacon.events");
      if (now < lag) {
        progressAt = System.nanoTime();
      } else if (System.nanoTime() - progressAt > STALLED.toNanos()) {
        throw new IllegalStateException("no progress for " + STALLED.toMinutes() + " min, " + now + " records behind");
      }
      lag = now;
      if (lag > 0) {
        progress("waiting", started, instance, kafka, out);
        Thread.sleep(sample.toMillis());
      }
    }
  }

  private static void progress(String what, long started, BeaconInstance instance, KafkaState kafka, PrintStream out)
      throws Exception {
    out.printf(Locale.ROOT, "bench:   %4.0f s: %s, input lag %,d records, RSS %,.0f MiB%n", secondsSince(started), what,
        kafka.lag(APPLICATION_ID, "beacon.events"), instance.rssBytes() / MIB);
  }

  /** RSS, RocksDB on disk and what RocksDB reports of its memory; printed, and returned for the table. */
  private static String memory(BeaconInstance instance, BeaconClient beacon, Path stateDir, PrintStream out)
      throws Exception {
    PrometheusMetrics metrics = beacon.prometheus();
    double rss = instance.rssBytes() / MIB;
    double disk = directoryBytes(stateDir) / MIB;
    // One block cache is shared by every store, so each store reports the same cache: take one, not the sum.
    double cache = metrics.max("kafka_stream_state_block_cache_usage").orElse(Double.NaN) / MIB;
    double capacity = metrics.max("kafka_stream_state_block_cache_capacity").orElse(Double.NaN) / MIB;
    double memtables = metrics.sum("kafka_stream_state_cur_size_all_mem_tables", Map.of()) / MIB;
    double estimatedKeys = metrics.sum("kafka_stream_state_estimate_num_keys", Map.of());
    double heap = metrics.sum("jvm_memory_used_bytes", Map.of("area", "heap")) / MIB;
    double nonHeap = metrics.sum("jvm_memory_used_bytes", Map.of("area", "nonheap")) / MIB;
    out.printf(Locale.ROOT, "bench: memory: RSS %,.0f MiB; RocksDB on disk %,.0f MiB, ~%,.0f keys in all stores; block "
            + "cache %,.0f of %,.0f MiB, memtables %,.0f MiB (charged to the cache); JVM heap used %,.0f MiB, non-heap %,.0f MiB%n",
        rss, disk, estimatedKeys, cache, capacity, memtables, heap, nonHeap);
    return String.format(Locale.ROOT, "RSS %,.0f MiB; RocksDB on disk %,.0f MiB; block cache %,.0f of %,.0f MiB "
        + "(memtables %,.0f MiB of it); heap used %,.0f MiB", rss, disk, cache, capacity, memtables, heap);
  }

  /** RSS sampled every {@code sample} while steady load runs for {@code duration}; then waits until it is counted. */
  private static RssSeries underLoad(String bootstrap, BeaconClient beacon, BeaconInstance instance, KafkaState kafka,
      int rate, Duration duration, Duration sample, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "bench: memory: %,d events/s of new keys for %d min, RSS every %d s%n", rate,
        duration.toMinutes(), sample.toSeconds());
    RssSeries series = new RssSeries();
    PrometheusMetrics before = beacon.prometheus();
    long started = System.nanoTime();
    try (SteadyLoad load = SteadyLoad.start(bootstrap, "beacon.", beacon, rate, 50, 100)) {
      while (System.nanoTime() - started < duration.toNanos()) {
        series.add(instance.rssBytes());
        progress(String.format(Locale.ROOT, "sent %,d", load.sent()), started, instance, kafka, out);
        Thread.sleep(sample.toMillis());
      }
    }
    series.add(instance.rssBytes());
    PrometheusMetrics after = beacon.prometheus();
    out.printf(Locale.ROOT, "bench: memory: RSS under load: %s; %s%n", series.describe(), RssSeries.insideTheProcess(before, after));
    awaitCounted(started, instance, kafka, sample, out);
    return series;
  }

  /** One restore's times from the new instance's start, in seconds. */
  record Restore(double readySeconds, double sameAnswerSeconds) {}

  /**
   * Starts a new instance on an empty state directory and times it until ready and until {@code query}
   * answers {@code expected}; printed, and returned for the table. The instance stops afterwards.
   */
  private static Restore restore(String name, Path dir, List<String> jvmOptions, Map<String, String> env, String query,
      String expected, PrintStream out) throws Exception {
    long started = System.nanoTime();
    try (BeaconInstance restored = BeaconInstance.start(name, dir, EmbeddedKafkaBroker.freePort(), HEAP, jvmOptions, env,
        Duration.ofMinutes(60))) {
      double ready = secondsSince(started);
      BeaconClient beacon = new BeaconClient(restored.url());
      while (!expected.equals(beacon.request("GET", query, null).body())) {
        if (secondsSince(started) > Duration.ofMinutes(60).toSeconds()) {
          throw new IllegalStateException("the restored instance does not answer as the first did: " + query);
        }
        Thread.sleep(100);
      }
      double same = secondsSince(started);
      double keys = beacon.prometheus().sum("kafka_stream_state_estimate_num_keys", Map.of());
      out.printf(Locale.ROOT, "bench: restore: ready in %.1f s, the same answer in %.1f s; ~%,.0f keys in all stores, "
          + "RSS %,.0f MiB, RocksDB on disk %,.0f MiB%n", ready, same, keys, restored.rssBytes() / MIB,
          directoryBytes(BeaconInstance.stateDir(dir)) / MIB);
      return new Restore(ready, same);
    }
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }
}
