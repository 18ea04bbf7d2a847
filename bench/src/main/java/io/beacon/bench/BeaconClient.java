package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Beacon's HTTP API as a benchmark calls it, one request at a time: JSON in and out, and an
 * exception with the answer when the status is not the expected one, so no figure is measured on
 * error pages.
 */
final class BeaconClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final String url;

  BeaconClient(String url) {
    this.url = url;
  }

  /** Sends {@code body} (JSON, or null) and returns the answer's body; fails unless the status is {@code expected}. */
  String send(String method, String path, String body, int expected) throws IOException, InterruptedException {
    HttpResponse<String> answer = request(method, path, body);
    if (answer.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ", expected "
          + expected + ": " + answer.body());
    }
    return answer.body();
  }

  HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String path) throws IOException, InterruptedException {
    return JSON.readTree(send("GET", path, null, 200));
  }

  /** Registers an ACTIVE advertiser as a user would, and waits until the topology has read it. */
  void registerAdvertiser(String id) throws IOException, InterruptedException {
    send("PUT", "/v1/advertisers/" + encode(id), "{\"name\": \"" + id + "\", \"status\": \"ACTIVE\"}", 200);
    awaitAdvertiser(id);
  }

  /** Waits until the topology has read the advertiser from the advertisers topic (at most a minute). */
  void awaitAdvertiser(String id) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (request("GET", "/v1/advertisers/" + encode(id), null).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("advertiser " + id + " not visible at " + url + " after a minute");
      }
      Thread.sleep(50);
    }
  }

  PrometheusMetrics prometheus() throws IOException, InterruptedException {
    return PrometheusMetrics.parse(send("GET", "/prometheus", null, 200));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
