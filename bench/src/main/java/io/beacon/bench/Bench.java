package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Beacon's benchmarks, each beside its baseline measured in the same run (these machines are
 * shared and noisy, so figures are ratios and medians of several runs). Prints the figures and the
 * BENCHMARKS.md table rows.
 *
 * <pre>
 * java -jar bench/target/bench.jar processing [--events N] [--runs N] [--threads N] [--rocksdb-cache-mib N] [--rocksdb-defaults]
 * </pre>
 */
public final class Bench {

  private static final String USAGE = """
      usage: java -jar bench/target/bench.jar processing [--events N] [--runs N] [--threads N]
                                                        [--rocksdb-cache-mib N] [--rocksdb-defaults]

        processing   events/s through Beacon's topology beside a bare Kafka Streams windowed count,
                     exactly_once_v2 and at_least_once, on an embedded broker
        --events N   records in the input topic (default 1000000)
        --runs N     runs per system and guarantee; the median is reported (default 3)
        --threads N  stream threads (default 1)
        --rocksdb-cache-mib N  Beacon's beacon.rocksdb.cache-bytes, in MiB (default 256, as shipped)
        --rocksdb-defaults     Kafka Streams' own RocksDB settings instead of Beacon's bounded memory
      """;

  private Bench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    if (!args[0].equals("processing")) {
      fail("unknown command " + args[0]);
    }
    int events = 1_000_000;
    int runs = 3;
    int threads = 1;
    long cacheMib = 256;
    boolean rocksDbDefaults = false;
    for (int i = 1; i < args.length; i += 2) {
      if (args[i].equals("--rocksdb-defaults")) {
        rocksDbDefaults = true;
        i--;
        continue;
      }
      if (i + 1 >= args.length) {
        fail("missing value after " + args[i]);
      }
      int value = positive(args[i], args[i + 1]);
      switch (args[i]) {
        case "--events" -> events = value;
        case "--runs" -> runs = value;
        case "--threads" -> threads = value;
        case "--rocksdb-cache-mib" -> cacheMib = value;
        default -> fail("unknown option " + args[i]);
      }
    }
    processing(events, runs, threads, new ProcessingBench.RocksDbSetup(cacheMib * 1024 * 1024, rocksDbDefaults), System.out);
  }

  static void processing(int events, int runs, int threads, ProcessingBench.RocksDbSetup rocksDb, PrintStream out)
      throws Exception {
    Path dir = Files.createTempDirectory("beacon-bench");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      ProcessingBench bench = new ProcessingBench(broker.bootstrapServers(), dir.resolve("state"), rocksDb, out);
      long records = bench.prepare("bench.", events, 6);
      StringBuilder rows = new StringBuilder();
      for (String guarantee : new String[] {"exactly_once_v2", "at_least_once"}) {
        out.printf("bench: processing, %s, %d thread(s), %d runs each, RocksDB %s%n", guarantee, threads, runs,
            rocksDb.kafkaStreamsDefaults() ? "Kafka Streams defaults" : (rocksDb.cacheBytes() >> 20) + " MiB bounded");
        ProcessingBench.Result result = bench.run("bench.", records, guarantee, threads, runs);
        rows.append(String.format(Locale.ROOT, "| processing, %s, %d thread(s), events/s | %s | bare windowed count: %s | %.2f× |%n",
            guarantee, threads, result.beacon().describe(), result.bare().describe(), result.ratio()));
      }
      out.println();
      out.println("| figure | Beacon, median (min–max) | baseline in the same run | ratio |");
      out.println("| --- | --- | --- | --- |");
      out.print(rows);
    }
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(option + " needs a positive whole number, was '" + value + "'");
    return 0;
  }

  private static void fail(String message) {
    System.err.println("bench: " + message);
    System.err.print(USAGE);
    System.exit(2);
  }
}
