package io.beacon.service.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.loadgen.catalog.CatalogProduct;
import io.beacon.loadgen.interactions.Interaction;
import io.beacon.service.catalog.CatalogIndex;
import io.beacon.service.catalog.SimilarConfig;
import io.beacon.service.backfill.BackfillCommand;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.PersonalConfig;
import io.beacon.streams.PredictConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * One Beacon with its own embedded broker and state under a directory, in this process, fed an
 * evaluation's data as a user would feed it: advertisers registered with {@code PUT
 * /v1/advertisers/{adv}}, interactions as events through {@code beacon backfill} ({@code POST
 * /v1/backfill}), a catalog with {@code PUT /v1/products/{id}}; and asked over HTTP.
 */
final class ReplayedBeacon implements AutoCloseable {

  static final String ADVERTISER = "eval";
  private static final int CATALOG_REQUESTS_IN_FLIGHT = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A recommended product and the source that filled its slot. */
  record Item(String productId, String source) {}

  private final EmbeddedKafkaBroker broker;
  private final ApplicationContext context;
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ReplayedBeacon(EmbeddedKafkaBroker broker, ApplicationContext context) {
    this.broker = broker;
    this.context = context;
    this.url = context.getBean(EmbeddedServer.class).getURL().toString();
  }

  /** Starts a broker and Beacon with {@code settings} added to its configuration, and waits until it is ready. */
  static ReplayedBeacon start(Path dir, Map<String, Object> settings) throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort());
    ApplicationContext context = null;
    try {
      Map<String, Object> properties = new java.util.HashMap<>(settings);
      properties.put("kafka.bootstrap-servers", broker.bootstrapServers());
      properties.put("beacon.state-dir", dir.resolve("state").toString());
      properties.put("micronaut.server.port", EmbeddedKafkaBroker.freePort());
      properties.put("beacon.cluster.standby-replicas", 0); // one instance: no other to keep them
      context = ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
      ReplayedBeacon beacon = new ReplayedBeacon(broker, context);
      beacon.await("ready", Duration.ofMinutes(2), () -> beacon.status("/health/readiness") == 200);
      return beacon;
    } catch (Exception | Error e) {
      if (context != null) {
        context.close();
      }
      broker.close();
      throw e;
    }
  }

  /** Beacon's base URL. */
  String url() {
    return url;
  }

  /** The click-prediction settings this Beacon runs with. */
  PredictConfig predictConfig() {
    return context.getBean(BeaconConfig.class).predict();
  }

  /** The personal model's settings this Beacon runs with. */
  PersonalConfig personal() {
    return context.getBean(BeaconConfig.class).personal();
  }

  /**
   * Registers the advertiser, loads {@code training} as its events with times moved by {@code
   * shiftMs}, and waits until Beacon has counted every one.
   */
  void load(List<Interaction> training, long shiftMs, Path dir, PrintStream out, PrintStream err) throws Exception {
    registerAdvertiser(ADVERTISER);
    Path events = dir.resolve("events.jsonl");
    try (BufferedWriter lines = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
      for (Interaction row : training) {
        ObjectNode event = JSON.createObjectNode()
            .put("event_id", "line-" + row.line())
            .put("type", row.click() ? "click" : "view")
            .put("advertiser_id", ADVERTISER)
            .put("product_id", row.productId())
            .put("user_id", row.userId())
            .put("event_time", Instant.ofEpochMilli(row.time() + shiftMs).toString());
        lines.write(JSON.writeValueAsString(event));
        lines.newLine();
      }
    }
    // The model is written before the counts (io.beacon.streams.counting, invariant 9): once every
    // event is counted, the model has learned from every one.
    double seconds = backfill(events, training.size(), out, err);
    out.printf("eval: Beacon counted and learned from all %,d events in %.1f s%n", training.size(), seconds);
  }

  /** Registers an ACTIVE advertiser and waits until Beacon knows it. */
  void registerAdvertiser(String advertiserId) throws Exception {
    HttpResponse<String> registered = send("PUT", "/v1/advertisers/" + path(advertiserId),
        JSON.createObjectNode().put("name", advertiserId).put("status", "ACTIVE").toString());
    if (registered.statusCode() != 200) {
      throw new IllegalStateException("registering advertiser " + advertiserId + " answered " + registered.statusCode() + ": "
          + registered.body());
    }
    await("advertiser " + advertiserId + " known", Duration.ofMinutes(1), () -> status("/v1/advertisers/" + path(advertiserId)) == 200);
  }

  /**
   * Sends the events of a JSON Lines file with {@code beacon backfill}, in order, and waits until
   * Beacon has counted {@code expected} of them; returns the seconds it took.
   */
  double backfill(Path events, long expected, PrintStream out, PrintStream err) throws Exception {
    long started = System.nanoTime();
    int status = BackfillCommand.run(new String[] {events.toString(), "--url", url}, out, err);
    if (status != 0) {
      throw new IllegalStateException("beacon backfill exited with " + status + " (above: what it refused)");
    }
    await("every event counted", Duration.ofMinutes(30), () -> accepted() >= expected);
    if (accepted() != expected) {
      throw new IllegalStateException("Beacon counted " + accepted() + " events of " + expected);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** What {@code GET path} answers, which must be 200. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> answer = send("GET", path, null);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }

  /** Sends {@code body} and gives the answer, which must be 200, without waiting for earlier calls. */
  CompletableFuture<JsonNode> sendAsync(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(answer -> {
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": " + answer.body());
      }
      try {
        return JSON.readTree(answer.body());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** The user's recommendations, as {@code GET /v1/advertisers/eval/users/{user}/recommendations?n=N&exclude_seen=true} answers. */
  List<Item> recommendations(String userId, int n) throws IOException, InterruptedException {
    String path = "/v1/advertisers/" + ADVERTISER + "/users/" + path(userId) + "/recommendations?n=" + n + "&exclude_seen=true";
    HttpResponse<String> answer = send("GET", path, null);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    List<Item> items = new ArrayList<>();
    for (JsonNode item : JSON.readTree(answer.body()).path("items")) {
      items.add(new Item(item.path("product_id").asText(), item.path("source").asText()));
    }
    return items;
  }

  /**
   * Registers the catalog's advertisers, writes every product, and waits until the catalog index
   * answers for each; returns the seconds from the first write until then.
   */
  double loadCatalog(List<CatalogProduct> catalog, PrintStream out) throws Exception {
    long started = System.nanoTime();
    for (String advertiser : catalog.stream().map(CatalogProduct::advertiserId).distinct().toList()) {
      HttpResponse<String> registered = send("PUT", "/v1/advertisers/" + path(advertiser), JSON.createObjectNode()
          .put("name", advertiser).put("status", "ACTIVE").toString());
      if (registered.statusCode() != 200) {
        throw new IllegalStateException("registering advertiser " + advertiser + " answered " + registered.statusCode() + ": "
            + registered.body());
      }
    }
    // Several requests in flight: each waits for Kafka's acknowledgement of its product.
    Semaphore inFlight = new Semaphore(CATALOG_REQUESTS_IN_FLIGHT);
    List<CompletableFuture<Void>> writes = new ArrayList<>(catalog.size());
    int written = 0;
    for (CatalogProduct product : catalog) {
      ObjectNode body = JSON.createObjectNode().put("advertiser_id", product.advertiserId()).put("title", product.title());
      putIfPresent(body, "description", product.description());
      putIfPresent(body, "category", product.category());
      putIfPresent(body, "brand", product.brand());
      inFlight.acquire();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/products/" + path(product.productId())))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
      writes.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((answer, failure) -> {
        inFlight.release();
        if (failure != null || answer.statusCode() != 200) {
          throw new IllegalStateException("PUT /v1/products/" + product.productId() + " answered "
              + (failure != null ? failure.toString() : answer.statusCode() + ": " + answer.body()));
        }
        return null;
      }));
      if (++written % 1000 == 0 || written == catalog.size()) {
        out.printf("eval: sent %,d of %,d products%n", written, catalog.size());
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    for (CatalogProduct product : catalog) {
      await("product " + product.productId() + " indexed", Duration.ofMinutes(2),
          () -> status("/v1/products/" + path(product.productId()) + "/similar?count=1") == 200);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** The ids {@code GET /v1/products/{id}/similar} answers, best first. */
  List<String> similar(String productId, String features, String method, String scope, int count)
      throws IOException, InterruptedException {
    String path = "/v1/products/" + path(productId) + "/similar?features=" + features + "&method=" + method + "&scope=" + scope
        + "&count=" + count;
    HttpResponse<String> answer = send("GET", path, null);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    List<String> ids = new ArrayList<>();
    JSON.readTree(answer.body()).path("items").forEach(item -> ids.add(item.path("product_id").asText()));
    return ids;
  }

  /** Bytes the catalog index takes on disk. */
  long catalogIndexBytes() {
    return context.getBean(CatalogIndex.class).diskBytes();
  }

  /** The similar products' settings this Beacon runs with. */
  SimilarConfig similarConfig() {
    return context.getBean(SimilarConfig.class);
  }

  private static void putIfPresent(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  private static String path(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private long accepted() throws IOException, InterruptedException {
    HttpResponse<String> stats = send("GET", "/v1/stats", null);
    return stats.statusCode() == 200 ? JSON.readTree(stats.body()).path("events").path("accepted").asLong(-1) : -1;
  }

  private int status(String path) {
    try {
      return send("GET", path, null).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A condition to wait for. */
  interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits until {@code done} holds, checking every 100 ms. */
  void await(String what, Duration timeout, Condition done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Beacon at " + url + ": not " + what + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }


  @Override
  public void close() {
    if (context.isRunning()) {
      context.close();
    }
    broker.close();
  }
}
