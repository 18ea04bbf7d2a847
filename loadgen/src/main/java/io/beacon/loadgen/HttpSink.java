package io.beacon.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends events through Beacon's collector, {@code POST /v1/events} in batches of 500. A batch that
 * gets 429 or 503 is resent after a pause: every event carries its id, so a resend never counts
 * twice.
 */
public final class HttpSink implements Sink {

  static final int BATCH = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String apiKey;
  private ArrayNode batch = JSON.createArrayNode();

  public HttpSink(String base, String apiKey) {
    this.base = base.replaceAll("/+$", "");
    this.apiKey = apiKey;
  }

  @Override
  public void advertiser(String id, String status) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", id).put("status", status);
    send("PUT", "/v1/advertisers/" + id, body.toString());
  }

  @Override
  public void send(Planned planned) throws Exception {
    if (planned.event() == null) {
      throw new IllegalArgumentException("garbage bytes cannot go through the HTTP collector");
    }
    var e = planned.event();
    batch.addObject()
        .put("event_id", e.getEventId())
        .put("type", e.getType().name().toLowerCase())
        .put("event_time", e.getEventTime().toEpochMilli())
        .put("advertiser_id", e.getAdvertiserId())
        .put("product_id", e.getProductId())
        .put("user_id", e.getUserId());
    if (batch.size() >= BATCH) {
      flush();
    }
  }

  @Override
  public void flush() throws Exception {
    if (!batch.isEmpty()) {
      send("POST", "/v1/events", batch.toString());
      batch = JSON.createArrayNode();
    }
  }

  private void send(String method, String path, String body) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
      if (apiKey != null) {
        request.header("Authorization", "Bearer " + apiKey);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        response = null; // Beacon restarting: try again
      }
      if (response != null && response.statusCode() < 300) {
        return;
      }
      boolean retry = response == null || response.statusCode() == 429 || response.statusCode() >= 500;
      if (!retry || attempt >= 60) {
        throw new IOException(method + " " + path + " failed: " + (response == null ? "no answer" : response.statusCode() + " " + response.body()));
      }
      Thread.sleep(Math.min(5_000, 100L * attempt));
    }
  }

  @Override
  public void close() throws Exception {
    flush();
  }
}
