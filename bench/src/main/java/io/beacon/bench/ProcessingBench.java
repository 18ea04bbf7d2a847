package io.beacon.bench;

import io.beacon.loadgen.KafkaSink;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.TrafficGenerator;
import io.beacon.loadgen.TrafficPlan;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.BeaconTopology;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.RejectReason;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Processing throughput: events/s from the events topic through Beacon's whole topology (validate,
 * dedup, advertiser join, counts at three resolutions, totals) beside a bare Kafka Streams
 * {@code groupByKey().windowedBy(1 min).count()} over the very same records, on the same broker,
 * alternating run by run so both see the same machine. Each run is a new application id with empty
 * state; its time runs from the RUNNING state to the last input record processed.
 */
final class ProcessingBench {

  record Result(Sample beacon, Sample peer) {}

  /**
   * How Beacon's RocksDB is set up in the runs.
   *
   * @param cacheBytes {@code beacon.rocksdb.cache-bytes}
   * @param kafkaStreamsDefaults true to replace Beacon's bounded-memory setup with Kafka Streams' defaults
   */
  record RocksDbSetup(long cacheBytes, boolean kafkaStreamsDefaults) {}

  /** The {@code processing} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    int events = args.positive("--events", 1_000_000);
    int runs = args.positive("--runs", 3);
    int threads = args.positive("--threads", 1);
    int warmUpRuns = args.positive("--warm-up-runs", 1);
    RocksDbSetup rocksDb = new RocksDbSetup(args.positive("--rocksdb-cache-mib", 256) * 1024L * 1024,
        args.flag("--rocksdb-defaults"));
    boolean personal = !args.flag("--no-personal");
    boolean versusNotLearning = args.flag("--versus-not-learning");
    boolean versusNotPredicting = args.flag("--versus-not-predicting");
    args.rejectUnread();
    if (versusNotLearning && !personal) {
      throw new IllegalArgumentException("--versus-not-learning compares learning with not learning: leave out --no-personal");
    }
    if (versusNotLearning && versusNotPredicting) {
      throw new IllegalArgumentException("compare with one peer at a time: --versus-not-learning or --versus-not-predicting");
    }
    Peer peer = versusNotLearning ? Peer.NOT_LEARNING : versusNotPredicting ? Peer.NOT_PREDICTING : Peer.BARE_COUNT;
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      ProcessingBench bench = new ProcessingBench(broker.bootstrapServers(), dir.resolve("state"), rocksDb, personal, peer, out);
      long records = bench.prepare("bench.", events, 6);
      bench.warmUp("bench.", records, threads, warmUpRuns);
      List<Figure> figures = new ArrayList<>();
      for (String guarantee : new String[] {"exactly_once_v2", "at_least_once"}) {
        out.printf("bench: processing, %s, %d thread(s), %d runs each, RocksDB %s, personal recommendations %s%n", guarantee, threads,
            runs, rocksDb.kafkaStreamsDefaults() ? "Kafka Streams defaults" : (rocksDb.cacheBytes() >> 20) + " MiB bounded",
            personal ? "learned" : "off");
        Result result = bench.run("bench.", records, guarantee, threads, runs);
        String figure = String.format(Locale.ROOT, "processing, `%s`, %d thread(s), events/s", guarantee, threads);
        figures.add(switch (peer) {
          case NOT_LEARNING -> Figure.versus(figure + ", learning personal recommendations", result.beacon(), "Beacon not learning",
              result.peer(), "≥ 0.6×");
          case NOT_PREDICTING -> Figure.versus(figure + ", labelling impressions and training click prediction (until trained)",
              result.beacon(), "Beacon without click prediction", result.peer(), "≥ 0.7×");
          case BARE_COUNT -> Figure.versus(figure, result.beacon(), "bare windowed count", result.peer(),
              guarantee.equals("exactly_once_v2") ? "≥ 0.6×, ≥ 100k/s" : "≥ 0.6×");
        });
      }
      return figures;
    }
  }

  private final String bootstrap;
  private final Path stateRoot;
  private final RocksDbSetup rocksDb;
  /** Whether Beacon's runs learn personal recommendations from the traffic's views and clicks with user ids. */
  private final boolean personal;
  private final Peer peer;
  private final PrintStream out;

  /** What Beacon's runs are compared with. */
  enum Peer {
    /** A bare Kafka Streams windowed count of the same records. */
    BARE_COUNT,
    /** Beacon not learning personal recommendations. */
    NOT_LEARNING,
    /** Beacon without click prediction (no attribution, no training). */
    NOT_PREDICTING
  }

  ProcessingBench(String bootstrap, Path stateRoot, RocksDbSetup rocksDb, boolean personal, Peer peer, PrintStream out) {
    this.personal = personal;
    this.peer = peer;
    this.bootstrap = bootstrap;
    this.stateRoot = stateRoot;
    this.rocksDb = rocksDb;
    this.out = out;
  }

  /** Writes {@code events} seeded events (loadgen's traffic, without garbage) under {@code prefix}. */
  long prepare(String prefix, int events, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      BeaconTopics topics = new BeaconTopics(prefix);
      admin.createTopics(List.of(new NewTopic(topics.events(), partitions, (short) 1),
          new NewTopic(topics.advertisers(), 1, (short) 1), new NewTopic(topics.products(), 1, (short) 1),
          new NewTopic(topics.rejected(), partitions, (short) 1), new NewTopic(topics.dlq(), partitions, (short) 1),
          new NewTopic(topics.models(), 1, (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
              String.valueOf(BeaconTopology.maxModelVersionBytes(BeaconConfig.defaults(bootstrap).predict())))),
          new NewTopic(topics.modelPins(), 1, (short) 1))).all().get();
    }
    TrafficPlan plan = TrafficPlan.ending(Instant.now(), 7, events, 50, 100, false);
    long[] written = {0};
    long started = System.nanoTime();
    try (KafkaSink sink = new KafkaSink(bootstrap, prefix)) {
      plan.registerAdvertisers(sink);
      new TrafficGenerator(plan).generate(planned -> {
        try {
          sink.send(planned);
          written[0]++;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      sink.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d records in %.1f s%n", written[0], (System.nanoTime() - started) / 1e9);
    return written[0];
  }

  /**
   * Unmeasured runs of each system under exactly-once: at least {@code minimumRuns}, then on until
   * the JIT compilers are nearly idle during Beacon's run. After one warm-up run of 340k records the
   * compilers still took 42% of this JVM's CPU over its life (async-profiler, BENCHMARKS.md).
   */
  void warmUp(String prefix, long records, int threads, int minimumRuns) throws Exception {
    out.printf("bench: warm-up runs of each system, exactly_once_v2, %d or more, until the JIT compilers settle (not measured)%n",
        minimumRuns);
    long started = System.nanoTime();
    for (int i = 1; ; i++) {
      Run beacon = measure("beacon", beacon(prefix, "exactly_once_v2", threads, personal, true), threads, records);
      measure(peerName(), peer(prefix, "exactly_once_v2", threads), threads, records);
      boolean settled = beacon.compilerCores() < WarmUp.SETTLED_CORES;
      if (i >= minimumRuns && (settled || System.nanoTime() - started > WarmUp.LONGEST_EXTRA.toNanos())) {
        out.printf("bench: %d warm-up run(s) of each system%s%n", i, settled ? "" : " (compilers not settled; measuring anyway)");
        return;
      }
    }
  }

  Result run(String prefix, long records, String guarantee, int threads, int runs) throws Exception {
    List<Double> beacon = new ArrayList<>();
    List<Double> peer = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      beacon.add(measure("beacon", beacon(prefix, guarantee, threads, personal, true), threads, records).eventsPerSecond());
      peer.add(measure(peerName(), peer(prefix, guarantee, threads), threads, records).eventsPerSecond());
    }
    return new Result(new Sample(beacon), new Sample(peer));
  }

  /** One run: its throughput, and the cores this JVM's JIT compilers used meanwhile. */
  private record Run(double eventsPerSecond, double compilerCores) {}

  private String peerName() {
    return switch (peer) {
      case NOT_LEARNING -> "not learning";
      case NOT_PREDICTING -> "no predict";
      case BARE_COUNT -> "bare count";
    };
  }

  private Measured peer(String prefix, String guarantee, int threads) throws Exception {
    return switch (peer) {
      case NOT_LEARNING -> beacon(prefix, guarantee, threads, false, true);
      case NOT_PREDICTING -> beacon(prefix, guarantee, threads, personal, false);
      case BARE_COUNT -> new Measured(bareCount(prefix, guarantee, threads), null);
    };
  }

  /**
   * Kafka Streams running something to measure, and, for Beacon, what its listener heard: Beacon's
   * stream threads also process the examples that train click prediction, so the events counted or
   * rejected tell when the input is done, and the examples' consumer lag when training caught up.
   */
  private record Measured(KafkaStreams streams, LongAdder eventsHeard) {}

  private Measured beacon(String prefix, String guarantee, int threads, boolean personal, boolean predict) throws Exception {
    BeaconConfig shipped = BeaconConfig.defaults(bootstrap);
    BeaconConfig config = new BeaconConfig("bench-beacon-" + UUID.randomUUID(), bootstrap, new BeaconTopics(prefix),
        newStateDir(), guarantee, shipped.grace(), shipped.dedupWindow(), shipped.maxClockSkew(),
        shipped.ctrPriorImpressions(), shipped.ctrMinImpressions(), rocksDb.cacheBytes(), shipped.dedupFilterBytes(),
        personal ? shipped.personal() : shipped.personal().disabled(), predict ? shipped.predict() : shipped.predict().disabled(),
        rocksDb.kafkaStreamsDefaults()
            ? Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads),
                StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DefaultRocksDbConfig.class.getName())
            : Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads)));
    LongAdder heard = new LongAdder();
    ProcessingListener listener = new ProcessingListener() {
      @Override
      public void counted(String advertiserId, long sinceAcceptedMs) {
        heard.increment();
      }

      @Override
      public void rejected(String advertiserId, RejectReason reason) {
        heard.increment();
      }
    };
    return new Measured(new KafkaStreams(BeaconTopology.build(config, listener), BeaconTopology.streamsProperties(config)), heard);
  }

  /** The baseline: windowed counts per key, nothing else; values are not even deserialised. */
  private KafkaStreams bareCount(String prefix, String guarantee, int threads) throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(prefix + "events", Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(1)))
        .count();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-bare-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, newStateDir());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return new KafkaStreams(builder.build(), props);
  }

  private String newStateDir() throws Exception {
    return Files.createDirectories(stateRoot.resolve(UUID.randomUUID().toString())).toString();
  }

  /** One run, timed from RUNNING until the stream threads have processed every input record. */
  private Run measure(String name, Measured measured, int threads, long records) throws Exception {
    KafkaStreams streams = measured.streams();
    Progress progress = new Progress(measured, threads);
    long[] runningAt = {0};
    AtomicReference<WarmUp.CompilerLoad> compilers = new AtomicReference<>();
    streams.setStateListener((to, from) -> {
      if (to == KafkaStreams.State.RUNNING && runningAt[0] == 0) {
        runningAt[0] = System.nanoTime();
        compilers.set(WarmUp.CompilerLoad.ofThisJvm());
      }
    });
    streams.start();
    try {
      long last = -1;
      long progressAt = System.nanoTime();
      while (progress.processed() < records || !progress.trainingCaughtUp()) {
        long now = progress.processed();
        if (now != last) {
          last = now;
          progressAt = System.nanoTime();
        }
        if (System.nanoTime() - progressAt > Duration.ofSeconds(30).toNanos() || streams.state() == KafkaStreams.State.ERROR) {
          throw new IllegalStateException(name + " stalled at " + now + " of " + records + " records processed ("
              + streams.state() + "); input lag by partition: " + lag(streams));
        }
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - runningAt[0]) / 1e9;
      double perSecond = records / seconds;
      // CPU time per event of the stream threads: steadier than wall time on a shared machine,
      // so it shows whether a change made the processing itself cheaper.
      double compilerCores = compilers.get().cores();
      out.printf(Locale.ROOT, "bench:   %-10s %,9.0f events/s (%,d in %.2f s; stream threads %.1f µs CPU per event; "
          + "JIT compilers %.2f cores)%n", name, perSecond, records, seconds, streamThreadCpuNanos(streams) / 1e3 / records,
          compilerCores);
      return new Run(perSecond, compilerCores);
    } finally {
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
    }
  }

  /** CPU time used so far by the stream threads of {@code streams} (named after its client id). */
  private static long streamThreadCpuNanos(KafkaStreams streams) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Set<String> names = streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName).collect(Collectors.toSet());
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> names.contains(thread.getName()))
        .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId())))
        .sum();
  }

  private String lag(KafkaStreams streams) {
    StringBuilder lags = new StringBuilder();
    streams.metrics().forEach((metric, value) -> {
      if (metric.name().equals("records-lag") && metric.tags().containsKey("partition")) {
        lags.append(metric.tags().get("topic")).append('-').append(metric.tags().get("partition"))
            .append('=').append(value.metricValue()).append(' ');
      }
    });
    return lags.toString();
  }

  /**
   * Records processed by all stream threads so far (thread-level {@code process-total}). The
   * metric objects are looked up once per thread count: {@code KafkaStreams.metrics()} copies
   * thousands of metrics, and calling it every 20 ms took a whole core away from the run.
   */
  private static final class Progress {
    private final KafkaStreams streams;
    private final LongAdder eventsHeard;
    private final int threads;
    private List<Metric> counters = List.of();

    Progress(Measured measured, int threads) {
      this.streams = measured.streams();
      this.eventsHeard = measured.eventsHeard();
      this.threads = threads;
    }

    /** Input records processed: for Beacon, the events it counted or rejected; otherwise every record its threads processed. */
    long processed() {
      if (eventsHeard != null) {
        return eventsHeard.sum();
      }
      if (counters.size() < threads) {
        counters = streams.metrics().entrySet().stream()
            .filter(e -> e.getKey().group().equals("stream-thread-metrics") && e.getKey().name().equals("process-total"))
            .map(Map.Entry::getValue)
            .collect(Collectors.toList());
      }
      return (long) counters.stream().mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
    }

    /**
     * Whether the examples of click prediction written so far were all learned: none left to fetch
     * from their topic (committed ones, under exactly-once). True when there is no such topic.
     */
    boolean trainingCaughtUp() {
      return streams.metrics().entrySet().stream()
          .filter(e -> e.getKey().group().equals("consumer-fetch-manager-metrics") && e.getKey().name().equals("records-lag")
              && String.valueOf(e.getKey().tags().get("topic")).endsWith("-predict-examples-repartition"))
          .allMatch(e -> e.getValue().metricValue() instanceof Number lag && lag.doubleValue() == 0);
    }
  }
}
