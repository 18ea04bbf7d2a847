package io.beacon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Beacon's benchmarks, each beside its baseline measured in the same run (these machines are
 * shared and noisy, so figures are ratios and medians of several runs). Every command prints its
 * progress and then its rows of BENCHMARKS.md's table; {@code all} runs every command and writes
 * the table into BENCHMARKS.md.
 */
public final class Bench {

  /** One benchmark command; it reads its options, then calls {@link Args#rejectUnread()} before measuring. */
  interface Command {
    List<Figure> run(Args args, PrintStream out) throws Exception;
  }

  private record Entry(String usage, Set<String> flags, Command command) {}

  private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("processing", new Entry("""
          processing   events/s through Beacon's topology beside a bare Kafka Streams windowed count,
                       exactly_once_v2 and at_least_once, on an embedded broker
            --events N   primary events of loadgen's traffic; its duplicates, late, invalid and
                         inactive-advertiser events add about 13% more records (default 1000000)
            --runs N     runs per system and guarantee; the median is reported (default 3)
            --warm-up-runs N  unmeasured runs of each system first, in the same JVM (default 1), and
                         more until the JIT compilers are nearly idle in Beacon's run (4 minutes more
                         at most): the first runs were the slowest while the JIT compiled the topology
            --threads N  stream threads (default 1)
            --rocksdb-cache-mib N  Beacon's beacon.rocksdb.cache-bytes, in MiB (default 256, as shipped)
            --rocksdb-defaults     Kafka Streams' own RocksDB settings instead of Beacon's bounded memory
            --no-personal          Beacon without learning personal recommendations (learned by default,
                                   from the traffic's views and clicks with user ids)
            --versus-not-learning  the peer is Beacon without learning instead of the bare count, in turn
                                   run by run: what learning costs
            --versus-not-predicting  the peer is Beacon without click prediction: what labelling impressions
                                   and training costs (Beacon's runs end once training caught up)
        """, Set.of("--rocksdb-defaults", "--no-personal", "--versus-not-learning", "--versus-not-predicting"),
        ProcessingBench::command));
    COMMANDS.put("redis", new Entry("""
          redis        events/s of Beacon's per-event work done in Redis (a Lua script per event, EVALSHA
                       pipelined from Jedis) beside pipelined ZINCRBY alone, on a redis-server of its own
            --events N   primary events of the same traffic as processing (default 1000000)
            --runs N     runs of each; the median is reported (default 3)
            --batch N    commands per pipeline batch before the replies are read (default 1000)
            --appendonly Redis writes an append-only file, fsynced every second (default: no persistence)
        """, Set.of("--appendonly"), RedisBench::command));
    COMMANDS.put("query", new Entry("""
          query        top-N query (window=1h, n=10) with wrk on one Beacon instance that owns every
                       advertiser, beside Redis ZREVRANGE (redis-benchmark) and nginx serving a static
                       400-byte JSON (wrk), on an embedded broker; loadgen's traffic of the last 2 hours
            --runs N          runs per system, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load first, at least (default 30, see below)
            --connections N   wrk connections and redis-benchmark clients (default 64)
            --events N        loadgen events written before measuring (default 100000)
            --advertisers N   advertisers, queried in turn (default 20)
            --products N      products per advertiser, and members of Redis's sorted set (default 100)
            --redis-requests N  requests per redis-benchmark run (default 500000)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVM, e.g. -XX:StartFlightRecording=filename=/tmp/q.jfr
        """, Set.of(), QueryBench::command));
    COMMANDS.put("long-window", new Entry("""
          long-window  top-N over window=7d and window=30d with wrk for one advertiser with many products
                       and counts over the last 30 days, on one Beacon instance and an embedded broker
            --runs N          runs per window, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load first, at least (default 30, see below)
            --connections N   wrk connections (default 8)
            --events N        events over the 30 days, written oldest first (default 100000)
            --products N      products of the advertiser, each event's drawn uniformly (default 10000)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVM
        """, Set.of(), LongWindowBench::command));
    COMMANDS.put("personal", new Entry("""
          personal     a user's recommendations and a product's related products with wrk, beside the top-N
                       over 24h, for one advertiser with many users and products and their views and
                       clicks of 2 days (the evaluation's synthetic generator); then RSS under a steady
                       load of events by users new to Beacon; one Beacon instance, an embedded broker
            --runs N          runs per query, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load first, at least (default 30, see below)
            --connections N   wrk connections (default 8)
            --users N         users of the advertiser, 5 to 15 views and clicks each (default 100000)
            --products N      products of the advertiser, in N/100 taste groups (default 10000)
            --load-minutes N  the steady load's length (default 10)
            --load-rate N     its events/s (default 4000)
            --load-events-per-user N  its events by each new user (default 2: 1.2M users over 10 min)
            --sample-seconds N  RSS sampled and printed this often (default 10)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVM
        """, Set.of(), PersonalBench::command));
    COMMANDS.put("predict", new Entry("""
          predict      POST /v1/predict with 100 candidates and with 1, with wrk, beside the top-N over 24h of
                       the same advertiser, once a model learned from impressions and clicks of the last 6 hours
                       drawn from the evaluation's click model; one Beacon instance, an embedded broker
            --runs N          runs per query, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load first, at least (default 30, see below)
            --connections N   wrk connections (default 8)
            --impressions N   impressions written before the runs, with their clicks (default 300000)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVM
        """, Set.of(), PredictBench::command));
    COMMANDS.put("similar", new Entry("""
          similar      similar products and catalog search with wrk, beside a point read of an advertiser, on
                       a synthetic catalog written straight to the products topic; the catalog index's build
                       when Beacon restarts on it, beside a plain consumer decoding the topic; its heap and
                       disk; and how soon a product written through the API shows among similar ones
            --products N      products in the catalog, of 20 advertisers in 1,000 topics (default 1000000)
            --runs N          runs per query, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load first, at least (default 30, see below)
            --connections N   wrk connections (default 8)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVM
        """, Set.of(), SimilarBench::command));
    COMMANDS.put("forwarded", new Entry("""
          forwarded    top-N query (window=1h, n=10) with wrk on two Beacon instances: on the owner of the
                       advertisers (local) and on the other one, which forwards to the owner
            --runs N          runs per instance, in turn; the median is reported (default 3)
            --seconds N       length of a wrk run (default 10)
            --warm-up N       seconds of unmeasured load on each instance first, at least (default 30, see below)
            --connections N   wrk connections (default 64)
            --events N        loadgen events written before measuring (default 100000)
            --advertisers N   advertisers; those the owner holds are queried in turn (default 20)
            --chart FILE      the latency chart to update (default docs/bench-latency.png; data in .tsv)
            --beacon-jvm "OPTIONS"  more options for both instances' JVMs
        """, Set.of(), ForwardedBench::command));
    COMMANDS.put("freshness", new Entry("""
          freshness    ms from POST /v1/events returning to the event showing in the recommendations, and
                       its view in the user's personal recommendations, while background traffic is
                       counted; one Beacon process per run on an embedded broker
            --runs N       runs, each a new instance with its own topics (default 3)
            --probes N     timed probes per run, after 30 s and at least 20 untimed ones (default 400)
            --load-rate N  background events/s written straight to Kafka (default 2000)
            --poll-ms N    pause between polls of the recommendations (default 1)
        """, Set.of(), FreshnessBench::command));
    COMMANDS.put("collector", new Entry("""
          collector    events/s through POST /v1/events (batches of 100) and requests/s of GET /px, by wrk,
                       beside Kafka's ProducerPerformance on the same embedded broker; a new Beacon process
                       per measurement, which also counts the events it collects, as a single Beacon does
            --runs N         runs of each, alternating (default 3)
            --seconds N      wrk's time per measurement (default 20)
            --warm-up N      seconds of unmeasured load on each new process, at least (default 30, see below)
            --connections N  wrk's connections (default 64)
            --records N      records ProducerPerformance sends per run (default 5000000)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVMs
        """, Set.of(), CollectorBench::command));
    COMMANDS.put("memory", new Entry("""
          memory       memory and restore: RSS, RocksDB on disk and RocksDB's cache after N distinct
                       (advertiser, product, minute) keys written straight to Kafka; RSS under steady load;
                       then new instances with empty state restore it all from the changelogs, in turn (timed)
            --keys N            distinct minute keys, 40 advertisers × 100 products × N/4000 minutes (default 10000000)
            --load-minutes N    steady load after the keys are counted (default 10)
            --load-rate N       its events/s (default 2000)
            --sample-seconds N  RSS sampled and progress printed this often (default 10)
            --restore-runs N    restores, one after another; the median is reported (default 3)
            --beacon-jvm "OPTIONS"  more options for Beacon's JVMs (the counting instance and each restore)
        """, Set.of(), MemoryBench::command));
    COMMANDS.put("micro", new Entry("""
          micro        JMH micro-benchmarks of hot functions beside what they replaced, in a forked JVM:
                       decoding one event (Beacon's serde against Avro's BinaryMessageDecoder)
            --iterations N  warm-up and measured iterations each; the median is reported (default 5)
            --seconds N     length of an iteration (default 2)
        """, Set.of(), MicroBench::command));
  }

  private static final String TABLE_START = "<!-- bench all: table start -->";
  private static final String TABLE_END = "<!-- bench all: table end -->";

  private Bench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.print(usage());
      return;
    }
    // Ctrl-C skips the commands' cleanup: stop the processes they started (Beacon, redis-server,
    // nginx, wrk), or they would outlive the benchmark.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
    List<String> options = Arrays.asList(args).subList(1, args.length);
    try {
      if (args[0].equals("all")) {
        all(new Args(options, Set.of()), System.out);
        return;
      }
      Entry entry = COMMANDS.get(args[0]);
      if (entry == null) {
        throw new IllegalArgumentException("unknown command " + args[0]);
      }
      List<Figure> figures = entry.command().run(new Args(options, entry.flags()), System.out);
      System.out.println();
      System.out.print(Figure.HEADER);
      figures.forEach(f -> System.out.print(f.row()));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(usage());
      System.exit(2);
    }
  }

  /**
   * Replaces what is between the table's markers in {@code file}. Reads the file now, not when the
   * run began: edits made to it during the hour of runs stay.
   */
  static void writeTable(Path file, String table) throws IOException {
    String text = Files.readString(file);
    int[] markers = tableMarkers(file, text);
    Files.writeString(file, text.substring(0, markers[0] + TABLE_START.length()) + "\n" + table + text.substring(markers[1]));
  }

  /** Where the table's start and end markers are in {@code text}. */
  private static int[] tableMarkers(Path file, String text) {
    int start = text.indexOf(TABLE_START);
    int end = text.indexOf(TABLE_END);
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(file + " needs the lines " + TABLE_START + " and " + TABLE_END);
    }
    return new int[] {start, end};
  }

  /** Runs every command with its defaults and writes the table into BENCHMARKS.md between its markers. */
  private static void all(Args args, PrintStream out) throws Exception {
    Path file = Path.of(args.text("--write", "BENCHMARKS.md"));
    args.rejectUnread();
    tableMarkers(file, Files.readString(file)); // fail before the hour of runs, not after
    List<Figure> figures = new ArrayList<>();
    for (Map.Entry<String, Entry> command : COMMANDS.entrySet()) {
      out.println("bench: === " + command.getKey() + " ===");
      figures.addAll(command.getValue().command().run(new Args(List.of(), Set.of()), out));
    }
    StringBuilder table = new StringBuilder(Figure.HEADER);
    figures.forEach(f -> table.append(f.row()));
    writeTable(file, table.toString());
    out.println();
    out.print(table);
    out.println("bench: wrote the table into " + file);
  }

  private static String usage() {
    StringBuilder usage = new StringBuilder("usage: java -jar bench/target/bench.jar COMMAND [options]\n\n");
    COMMANDS.values().forEach(e -> usage.append(e.usage()));
    usage.append("""
          all          every command above with its defaults; writes the table into BENCHMARKS.md
            --write FILE  the file to write (default BENCHMARKS.md)

        --warm-up: a new Beacon process needs load before it answers at its speed, most of it for the
        JIT to compile the request path; after 5 s each run was still faster than the last. After the
        given seconds the load goes on, 10 s at a time, until the process's JIT compilers use under
        5% of a core (4 minutes more at most); on a slow day they still took a third of its CPU
        after 60 s. Each measurement prints the compilers' share of a core during it.
        """);
    return usage.toString();
  }
}
