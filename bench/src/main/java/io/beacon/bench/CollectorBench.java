package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.streams.ProcessingListener;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The collector's throughput: events/s through {@code POST /v1/events} in batches of 100 and
 * requests/s of the pixel {@code GET /px}, each loaded by wrk with 64 connections on a new Beacon
 * instance, beside Kafka's own {@code ProducerPerformance} writing records of the same size to the
 * same broker with the collector's producer settings. The three alternate run by run.
 */
final class CollectorBench {

  /** What wrk sends: the collector's {@code source} tag in Beacon's metrics, the path and the request. */
  private record Load(String source, String path, Wrk.Request request) {}

  private static final int BATCH = 100;
  /** Advertisers the batches' events are spread over, so they land on several partitions as real traffic does. */
  private static final int ADVERTISERS = 12;
  /** The producer settings of the collector's KafkaWriter that bear on throughput; ProducerPerformance gets the same. */
  private static final List<String> COLLECTOR_PRODUCER = List.of(
      "acks=all", "enable.idempotence=true", "compression.type=lz4", "linger.ms=1");

  /** The {@code collector} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 20, 64);
    int records = args.positive("--records", 5_000_000);
    args.rejectUnread();
    int recordSize = avroSize();
    out.printf("bench: collector: %d runs of wrk for %d s (after %d s of warm-up) with %d connections (batches of %d events, then the pixel), "
        + "then ProducerPerformance with %,d records of %d bytes (the Avro size of one event and its key and header)%n",
        options.runs(), options.duration().toSeconds(), options.warmUp().toSeconds(), options.connections(), BATCH,
        records, recordSize);
    List<Double> batched = new ArrayList<>();
    List<Double> pixel = new ArrayList<>();
    List<Double> producer = new ArrayList<>();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        // As many partitions as Beacon's events topic (beacon.partitions, 6).
        admin.createTopics(List.of(new NewTopic("perf", 6, (short) 1))).all().get();
      }
      for (int run = 1; run <= options.runs(); run++) {
        out.printf("bench: collector run %d of %d%n", run, options.runs());
        batched.add(BATCH * collector(bootstrap, dir, "batch" + run, batchLoad(), options.warmUp(), options.duration(),
            options.connections(), options.jvmOptions(), out));
        pixel.add(collector(bootstrap, dir, "pixel" + run, pixelLoad(), options.warmUp(), options.duration(),
            options.connections(), options.jvmOptions(), out));
        producer.add(producerPerformance(bootstrap, records, recordSize, out));
      }
    }
    return List.of(
        Figure.versus(String.format(Locale.ROOT, "collector, `POST /v1/events` batches of %d, events/s (%d connections)",
            BATCH, options.connections()), new Sample(batched), "Kafka `ProducerPerformance`, records/s", new Sample(producer),
            "≥ 200k events/s"),
        new Figure(String.format(Locale.ROOT, "collector, `GET /px`, requests/s (%d connections)", options.connections()),
            new Sample(pixel).describe(), "—", "—", "≥ 30k px/s"));
  }

  /**
   * One wrk run of {@code request} against a new instance with its own topics and state (so no
   * backlog of an earlier run is being counted meanwhile); its 2xx answers per second. The instance
   * counts the events as they arrive, as a single Beacon does.
   */
  private static double collector(String bootstrap, Workspace dir, String name, Load load, Duration warmUp,
      Duration duration, int connections, List<String> jvmOptions, PrintStream out) throws Exception {
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "BEACON_TOPIC_PREFIX", name + ".",
        "BEACON_APPLICATION_ID", name, "BEACON_COLLECTOR_RATE_LIMIT", "100000000");
    try (BeaconInstance instance = BeaconInstance.start("beacon-" + name, dir.resolve(name),
        EmbeddedKafkaBroker.freePort(), "1g", jvmOptions, env, BeaconInstance.READY_TIMEOUT)) {
      BeaconClient beacon = new BeaconClient(instance.url());
      for (int a = 0; a < ADVERTISERS; a++) {
        beacon.registerAdvertiser(advertiser(a));
      }
      String url = instance.url() + load.path();
      if (load.source().equals("batch")) {
        JsonNode accepted = BeaconClient.JSON.readTree(beacon.send("POST", load.path(), load.request().body(), 202));
        if (accepted.get("accepted").asInt() != BATCH) {
          throw new IllegalStateException("a batch of " + BATCH + " was answered " + accepted);
        }
      }
      WarmUp.run(name, List.of(instance), warmUp, time -> Wrk.run(url, load.request(), connections, time, dir.resolve(name)), out);
      PrometheusMetrics before = beacon.prometheus();
      WarmUp.CompilerLoad compilers = WarmUp.CompilerLoad.from(List.of(instance));
      Wrk.Result result = Wrk.run(url, load.request(), connections, duration, dir.resolve(name));
      double compilerCores = compilers.cores();
      double written = beacon.prometheus().since(before).sum("beacon_collector_events_total",
          Map.of("source", load.source(), "outcome", "written"));
      out.printf(Locale.ROOT, "bench:   %-7s %,9.0f requests/s, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, %d errors; "
              + "%,.0f events written (wrk completed %,d requests); JIT compilers %.2f cores%n", name, result.requestsPerSecond(),
          result.p50Ms(), result.p99Ms(), result.p999Ms(), result.errors(), written, result.requests(), compilerCores);
      // Only answered 2xx counts: a failed or timed-out request (wrk's --timeout is 5 s) wrote nothing for sure.
      return result.requestsPerSecond() * (result.requests() - result.errors()) / result.requests();
    }
  }

  /**
   * A batch without event ids or times: the collector mints a new id (and stamps its own clock) on
   * every event, so each request writes 100 distinct events that the topology counts, not
   * duplicates.
   */
  private static Load batchLoad() {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < BATCH; i++) {
      body.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"type\": \"%s\", \"advertiser_id\": \"%s\", \"product_id\": \"p%d\", \"user_id\": \"u%d\"}",
          i % 10 == 0 ? "impression" : "view", advertiser(i % ADVERTISERS), i % 37, i));
    }
    return new Load("batch", "/v1/events",
        new Wrk.Request("POST", body.append(']').toString(), Map.of("Content-Type", "application/json")));
  }

  /** The pixel without an event id: every request is a new event (the id is minted). */
  private static Load pixelLoad() {
    return new Load("pixel", "/px?adv=" + advertiser(0) + "&prod=p7&type=view&uid=u42", Wrk.Request.GET);
  }

  private static String advertiser(int i) {
    return "collector-adv-" + i;
  }

  /**
   * The bytes one collected event takes in Kafka before compression: its Avro value (with a minted
   * UUID id), its key (the advertiser id) and its accepted-at header. ProducerPerformance writes
   * records of this size.
   */
  private static int avroSize() {
    AdEvent event = AdEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setType(EventType.VIEW)
        .setEventTime(Instant.now()).setAdvertiserId(advertiser(0)).setProductId("p7").setUserId("u42").build();
    return BeaconSerdes.adEvent().serialize("events", event).length
        + advertiser(0).getBytes(StandardCharsets.UTF_8).length
        + ProcessingListener.ACCEPTED_AT_HEADER.length() + ProcessingListener.acceptedAt(System.currentTimeMillis()).length;
  }

  /**
   * Kafka's ProducerPerformance as its own JVM (as Beacon is), on the same broker: {@code records}
   * records of {@code size} random bytes, as fast as it can, with the collector's producer settings.
   */
  private static double producerPerformance(String bootstrap, int records, int size, PrintStream out) throws Exception {
    Path jar = Path.of(CollectorBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", jar.resolveSibling("lib") + "/*", "org.apache.kafka.tools.ProducerPerformance",
        "--topic", "perf", "--num-records", String.valueOf(records), "--record-size", String.valueOf(size),
        "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap));
    command.addAll(COLLECTOR_PRODUCER);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    int exit;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      exit = process.waitFor();
    } finally {
      process.destroyForcibly();
    }
    // The last line is the summary: "N records sent, X records/sec (Y MB/sec), ... 50th, ..."
    String summary = output.lines().filter(l -> l.contains("records/sec") && l.contains("50th")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("ProducerPerformance failed (exit " + exit + "): " + output));
    double perSecond = Double.parseDouble(summary.replaceAll(".*?records sent, ([0-9.]+) records/sec.*", "$1"));
    out.printf(Locale.ROOT, "bench:   ProducerPerformance %,9.0f records/s (%s)%n", perSecond, summary.strip());
    return perSecond;
  }
}
