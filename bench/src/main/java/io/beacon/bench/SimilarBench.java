package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.KafkaSink;
import io.beacon.loadgen.catalog.CatalogProduct;
import io.beacon.loadgen.catalog.SyntheticCatalog;
import io.beacon.streams.BeaconTopics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Similar products and catalog search at catalog scale: a synthetic catalog (a million products by
 * default, in the evaluation's shape) written straight to the products topic; the catalog index's
 * build when Beacon restarts on it, beside a plain consumer reading and decoding the same topic;
 * the index's heap and disk; wrk on similar products and search beside a point read of an
 * advertiser; and how soon a product written through the API shows among another's similar ones.
 */
final class SimilarBench {

  private static final int ADVERTISERS = 20;
  private static final int TOPICS = 1_000;
  private static final int QUERIED = 1000;
  private static final int FRESHNESS_SAMPLES = 100;
  private static final double MIB = 1024.0 * 1024;

  private SimilarBench() {}

  /** The {@code similar} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 8);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int products = args.positive("--products", 1_000_000);
    args.rejectUnread();
    SyntheticCatalog shape = SyntheticCatalog.standard(1);
    List<CatalogProduct> catalog = new SyntheticCatalog(1, products, ADVERTISERS, Math.min(TOPICS, products), Math.min(50, products),
        shape.topicShare(), shape.titleTopicShare(), shape.categoryShare(), shape.noDescriptionShare(), shape.titleOnlyShare()).generate();
    out.printf(Locale.ROOT, "bench: generated %,d products of %d advertisers in %d topics%n", catalog.size(), ADVERTISERS, TOPICS);
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      int port = EmbeddedKafkaBroker.freePort();
      double emptyHeap;
      try (BeaconInstance empty = BeaconInstance.start("beacon", dir.resolve("beacon"), port, "2g", options.jvmOptions(), env,
          BeaconInstance.READY_TIMEOUT)) {
        awaitDocuments(new BeaconClient(empty.url()), 0, out);
        emptyHeap = heapAfterGc(empty);
        write(broker.bootstrapServers(), catalog, out);
        long started = System.nanoTime();
        awaitDocuments(new BeaconClient(empty.url()), catalog.size() + ADVERTISERS, out);
        out.printf(Locale.ROOT, "bench: the running instance indexed them as they came in %.1f s%n", (System.nanoTime() - started) / 1e9);
      }
      double consumed = consumeRate(broker.bootstrapServers(), out);
      try (BeaconInstance beacon = BeaconInstance.start("beacon", dir.resolve("beacon"), port, "2g", options.jvmOptions(), env,
          BeaconInstance.READY_TIMEOUT)) {
        BeaconClient client = new BeaconClient(beacon.url());
        awaitDocuments(client, catalog.size() + ADVERTISERS, out);
        PrometheusMetrics metrics = client.prometheus();
        double buildSeconds = metrics.sum("beacon_catalog_index_build_seconds", Map.of());
        double built = metrics.sum("beacon_catalog_index_records_read_total", Map.of()) / buildSeconds;
        double heapPerMillion = (heapAfterGc(beacon) - emptyHeap) / catalog.size() * 1e6;
        double diskPerMillion = metrics.sum("beacon_catalog_index_disk_bytes", Map.of()) / catalog.size() * 1e6;
        out.printf(Locale.ROOT, "bench: index built at start in %.1f s: %,.0f records/s (a plain consumer decoding the topic: %,.0f/s);"
            + " heap %,.0f MiB and disk %,.0f MiB per million products%n", buildSeconds, built, consumed, heapPerMillion / MIB,
            diskPerMillion / MIB);

        SplittableRandom random = new SplittableRandom(1);
        List<String> similarPaths = new ArrayList<>();
        List<String> searchPaths = new ArrayList<>();
        List<String> advertiserPaths = new ArrayList<>();
        for (int i = 0; i < QUERIED; i++) {
          CatalogProduct some = catalog.get(random.nextInt(catalog.size()));
          similarPaths.add("/v1/products/" + some.productId() + "/similar?count=10");
          searchPaths.add("/v1/products?limit=20&q=" + searchWords(some, random));
          advertiserPaths.add("/v1/advertisers/adv-" + (1 + random.nextInt(ADVERTISERS)));
        }
        for (String path : List.of(similarPaths.get(0), searchPaths.get(0))) {
          String body = BeaconApi.getOk(beacon.url() + path).body();
          out.println("bench: " + path + " answers " + body.substring(0, Math.min(600, body.length())));
        }
        Path scripts = Files.createDirectories(dir.resolve("wrk"));
        WarmUp.run("Beacon", List.of(beacon), options.warmUp(), time -> Wrk.cycle(beacon.url(), similarPaths, options.connections(),
            time, scripts), out);
        List<Wrk.Result> similar = new ArrayList<>();
        List<Wrk.Result> search = new ArrayList<>();
        List<Wrk.Result> advertiser = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
          similar.add(Runs.withCpu(out, "similar", List.of(beacon), () -> Wrk.cycle(beacon.url(), similarPaths, options.connections(),
              options.duration(), scripts)));
          search.add(Runs.withCpu(out, "search", List.of(beacon), () -> Wrk.cycle(beacon.url(), searchPaths, options.connections(),
              options.duration(), scripts)));
          advertiser.add(Runs.withCpu(out, "advertiser", List.of(beacon), () -> Wrk.cycle(beacon.url(), advertiserPaths,
              options.connections(), options.duration(), scripts)));
        }
        String scale = String.format(Locale.ROOT, "%,d products, %d conn.", catalog.size(), options.connections());
        LatencyChart.update(chart, List.of(
            LatencyChart.Series.of("Beacon similar products, " + scale, similar, "similar"),
            LatencyChart.Series.of("Beacon catalog search, " + scale, search, "similar"),
            LatencyChart.Series.of("Beacon GET /v1/advertisers/{adv}, " + scale, advertiser, "similar")), out);
        List<Double> freshness = freshness(client, catalog, random, out);

        String of = String.format(Locale.ROOT, "a catalog of %,d products of %d advertisers, %d connections, ", catalog.size(),
            ADVERTISERS, options.connections());
        String floor = "`GET /v1/advertisers/{adv}` (a point read, the HTTP floor)";
        return List.of(
            Figure.versus(of + "`products/{id}/similar?count=10`, p99 ms", Sample.of(similar, Wrk.Result::p99Ms), floor,
                Sample.of(advertiser, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 10 ms"),
            Figure.versus(of + "`products?q=` (two words, one with a typo), p99 ms", Sample.of(search, Wrk.Result::p99Ms), floor,
                Sample.of(advertiser, Wrk.Result::p99Ms), "%.2f", "p99 ≤ 10 ms"),
            Figure.versus(of + "`products/{id}/similar?count=10`, req/s", Sample.of(similar, Wrk.Result::requestsPerSecond), floor,
                Sample.of(advertiser, Wrk.Result::requestsPerSecond), "—"),
            new Figure(String.format(Locale.ROOT, "catalog index build at start, %,d products (1 run)", catalog.size()),
                String.format(Locale.ROOT, "%,.0f records/s (%.1f s)", built, buildSeconds),
                String.format(Locale.ROOT, "a plain consumer reading and decoding the topic: %,.0f records/s", consumed),
                String.format(Locale.ROOT, "%.2f×", built / consumed), "≥ 20,000 products/s"),
            new Figure("catalog index heap and disk per million products (1 run)", String.format(Locale.ROOT,
                "heap %,.0f MiB, disk %,.0f MiB", heapPerMillion / MIB, diskPerMillion / MIB), "—", "—", "reported"),
            new Figure(String.format(Locale.ROOT, "a product written with `PUT /v1/products/{id}` until it is among another's similar"
                    + " products, ms (%d samples, 1 run)", freshness.size()),
                String.format(Locale.ROOT, "p50 %.0f, p99 %.0f", percentile(freshness, 0.5), percentile(freshness, 0.99)), "—", "—",
                "p99 ≤ 1,000 ms"));
      }
    }
  }

  /** Two words of the product's title, the longer one with its second letter dropped (a typo). */
  private static String searchWords(CatalogProduct product, SplittableRandom random) {
    List<String> words = new ArrayList<>(Arrays.asList(product.title().toLowerCase(Locale.ROOT).split(" ")));
    String first = words.remove(random.nextInt(words.size()));
    String second = words.get(random.nextInt(words.size()));
    String typo = second.length() >= 5 ? second.charAt(0) + second.substring(2) : second;
    return first + "%20" + typo;
  }

  private static void write(String bootstrap, List<CatalogProduct> catalog, PrintStream out) throws Exception {
    long started = System.nanoTime();
    BeaconTopics topics = new BeaconTopics("beacon.");
    try (KafkaSink sink = new KafkaSink(bootstrap, "beacon.")) {
      for (int a = 1; a <= ADVERTISERS; a++) {
        sink.advertiser("adv-" + a, "ACTIVE");
      }
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (CatalogProduct p : catalog) {
        Product product = Product.newBuilder().setProductId(p.productId()).setAdvertiserId(p.advertiserId()).setTitle(p.title())
            .setDescription(p.description()).setCategory(p.category()).setBrand(p.brand()).setUpdatedAt(Instant.now()).build();
        producer.send(new ProducerRecord<>(topics.products(), p.productId(), BeaconSerdes.product().serialize(topics.products(), product)));
      }
      producer.flush();
    }
    out.printf(Locale.ROOT, "bench: wrote %,d products to %s in %.1f s%n", catalog.size(), topics.products(),
        (System.nanoTime() - started) / 1e9);
  }

  /** Records/s of a plain consumer reading the products topic from the start and decoding each product. */
  private static double consumeRate(String bootstrap, PrintStream out) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    String topic = new BeaconTopics("beacon.").products();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      long read = 0;
      long started = System.nanoTime();
      long chars = 0;
      while (read < total) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          chars += BeaconSerdes.product().deserialize(topic, record.value()).getTitle().length();
          read++;
        }
      }
      double rate = read / ((System.nanoTime() - started) / 1e9);
      out.printf(Locale.ROOT, "bench: a plain consumer read and decoded %,d products at %,.0f/s (%,d title characters)%n", read, rate, chars);
      return rate;
    }
  }

  /**
   * Milliseconds from a PUT of a product whose text is another's, with its id ending the word
   * list, until it leads the other's similar products; polled every 5 ms.
   */
  private static List<Double> freshness(BeaconClient client, List<CatalogProduct> catalog, SplittableRandom random, PrintStream out)
      throws Exception {
    List<Double> delays = new ArrayList<>();
    for (int i = 0; i < FRESHNESS_SAMPLES; i++) {
      CatalogProduct seed = catalog.get(random.nextInt(catalog.size()));
      if (seed.description() == null) {
        continue;
      }
      String id = "fresh-" + i;
      String body = BeaconClient.JSON.createObjectNode().put("advertiser_id", seed.advertiserId()).put("title", seed.title())
          .put("description", seed.description()).put("category", seed.category()).put("brand", seed.brand()).toString();
      client.send("PUT", "/v1/products/" + id, body, 200);
      long written = System.nanoTime();
      while (true) {
        JsonNode answer = client.json("/v1/products/" + seed.productId() + "/similar?count=1");
        if (answer.at("/items/0/product_id").asText().equals(id)) {
          break;
        }
        if (System.nanoTime() - written > Duration.ofSeconds(30).toNanos()) {
          throw new IllegalStateException(id + " is not among " + seed.productId() + "'s similar products 30 s after its PUT");
        }
        Thread.sleep(5);
      }
      delays.add((System.nanoTime() - written) / 1e6);
    }
    out.printf(Locale.ROOT, "bench: a new product led its twin's similar products %.0f ms (p50) and %.0f ms (p99) after its PUT%n",
        percentile(delays, 0.5), percentile(delays, 0.99));
    return delays;
  }

  private static void awaitDocuments(BeaconClient client, long documents, PrintStream out) throws Exception {
    long started = System.nanoTime();
    long lastPrinted = started;
    while (true) {
      double indexed = client.prometheus().sum("beacon_catalog_index_documents", Map.of());
      if (indexed >= documents) {
        return;
      }
      if (System.nanoTime() - lastPrinted > Duration.ofSeconds(10).toNanos()) {
        lastPrinted = System.nanoTime();
        out.printf(Locale.ROOT, "bench: %,.0f of %,d catalog documents indexed%n", indexed, documents);
      }
      if (System.nanoTime() - started > Duration.ofMinutes(20).toNanos()) {
        throw new IllegalStateException("the catalog index holds " + indexed + " of " + documents + " documents after 20 minutes");
      }
      Thread.sleep(200);
    }
  }

  /** Heap used after a full collection, as {@code jcmd GC.run} leaves it. */
  private static double heapAfterGc(BeaconInstance instance) throws Exception {
    Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(instance.pid()),
        "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    gc.waitFor();
    return new BeaconClient(instance.url()).prometheus().sum("jvm_memory_used_bytes", Map.of("area", "heap"));
  }

  private static double percentile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
