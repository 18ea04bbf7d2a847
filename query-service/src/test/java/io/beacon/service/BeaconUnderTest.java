package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.service.streams.StreamsRunner;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.CloseOptions;

/**
 * One Beacon (topology and HTTP API) started against a test cluster with its own application id
 * and state directory, plus what tests need to talk to it over HTTP and read its topics.
 */
final class BeaconUnderTest implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String bootstrapServers;
  private final Map<String, Object> extraProperties;
  private final Path stateDir;
  private final String applicationId = "beacon-it-" + UUID.randomUUID();
  private ApplicationContext app;
  private String base;

  BeaconUnderTest(String bootstrapServers) throws IOException {
    this(bootstrapServers, Map.of());
  }

  /** @param extraProperties settings beside the test defaults, e.g. Kafka security or auth */
  BeaconUnderTest(String bootstrapServers, Map<String, Object> extraProperties) throws IOException {
    this.bootstrapServers = bootstrapServers;
    this.extraProperties = extraProperties;
    this.stateDir = Files.createTempDirectory("beacon-it-state");
  }

  /** Starts Beacon on a free port and waits until it is ready to answer. */
  void start() throws Exception {
    Map<String, Object> properties = new java.util.HashMap<>(Map.of(
        "kafka.bootstrap-servers", bootstrapServers,
        // A fixed port, from which Beacon derives the address it shares with other instances.
        "micronaut.server.port", io.beacon.kafka.embedded.EmbeddedKafkaBroker.freePort(),
        "beacon.state-dir", stateDir.toString(),
        "beacon.application-id", applicationId,
        "beacon.partitions", 3));
    properties.putAll(extraProperties);
    app = ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
    base = app.getBean(EmbeddedServer.class).getURL().toString();
    await("readiness UP", () -> get("/health/readiness").statusCode() == 200);
  }

  /**
   * Stops this instance as a crash would, as far as the others can tell: Kafka Streams stops
   * without leaving the group (its partitions stay assigned until the session times out) and the
   * HTTP server goes away.
   */
  void crash() {
    app.getBean(StreamsRunner.class).streams().close(CloseOptions.timeout(Duration.ZERO)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    app.getBean(EmbeddedServer.class).stop();
  }

  /** Registers an ACTIVE advertiser and waits until this instance knows it. */
  void registerActive(String advertiserId, String name) throws Exception {
    assertEquals(200, sendJson("PUT", "/v1/advertisers/" + advertiserId,
        "{\"name\": \"" + name + "\", \"status\": \"ACTIVE\"}").statusCode());
    await("advertiser " + advertiserId + " known", () -> get("/v1/advertisers/" + advertiserId).statusCode() == 200);
  }

  /** Whether a Kafka Streams client of this instance's application id has a live thread in this JVM. */
  boolean streamsThreadsAlive() {
    String id = String.valueOf(extraProperties.getOrDefault("beacon.application-id", applicationId));
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(id));
  }

  @Override
  public void close() {
    if (app != null && app.isRunning()) {
      app.close();
    }
  }

  ApplicationContext app() {
    return app;
  }

  String baseUrl() {
    return base;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A GET that accepts gzip; java.net.http does not decode it, so the body is as sent. */
  HttpResponse<byte[]> getGzipped(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept-Encoding", "gzip").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends {@code body} with {@code method}; a null content type sends none. */
  HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> sendJson(String method, String path, String json) throws IOException, InterruptedException {
    return send(method, path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The body of a 200 answer as JSON; fails with the body otherwise. */
  JsonNode json(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    assertEquals(200, response.statusCode(), path + " answered " + response.body());
    return JSON.readTree(response.body());
  }

  /** Reads {@code count} committed records from the start of {@code topic}, failing if fewer arrive in 30 s. */
  List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertEquals(count, records.size(), "records on " + topic);
    return records;
  }

  /** How many records {@code topic} holds, summed over its partitions. */
  long recordCount(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
  }

  /** Every message in a chain of causes, to check what a user would read. */
  static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls until the check passes, for at most 60 seconds. */
  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what, last);
  }
}
