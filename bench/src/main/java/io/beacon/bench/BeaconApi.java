package io.beacon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmarks ask Beacon's HTTP API while setting up, outside the measured runs. */
final class BeaconApi {

  /** On every query answer: the instance whose state answered ({@code Peers.INSTANCE}). */
  static final String INSTANCE_HEADER = "X-Beacon-Instance";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  // "events": {"accepted": N, ...} of GET /v1/stats, summed over all instances.
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

  private BeaconApi() {}

  /** {@code GET /v1/advertisers/{adv}/recommendations?window=...&n=10} of each advertiser, path and query. */
  static List<String> recommendationPaths(List<String> advertisers, String window) {
    return advertisers.stream().map(id -> "/v1/advertisers/" + id + "/recommendations?window=" + window + "&n=10").toList();
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A 200 answer's body; anything else is a failed setup. */
  static HttpResponse<String> getOk(String url) throws IOException, InterruptedException {
    HttpResponse<String> answer = get(url);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer;
  }

  /** POSTs a JSON body; the answer must be 200. */
  static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("POST " + url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer;
  }

  /**
   * Waits until the instance knows the advertiser (its global table has read it): an event that
   * comes first is rejected as UNKNOWN_ADVERTISER.
   */
  static void awaitAdvertiser(String baseUrl, String id, Duration timeout) throws Exception {
    long started = System.nanoTime();
    while (get(baseUrl + "/v1/advertisers/" + id).statusCode() != 200) {
      if (System.nanoTime() - started > timeout.toNanos()) {
        throw new IllegalStateException("advertiser " + id + " not known at " + baseUrl + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  /** Waits until the instances behind {@code baseUrl} have counted {@code events} events in all, and no more. */
  static void awaitAccepted(String baseUrl, long events, Duration timeout, PrintStream out) throws Exception {
    long started = System.nanoTime();
    long accepted = -1;
    while (accepted < events) {
      if (System.nanoTime() - started > timeout.toNanos()) {
        throw new IllegalStateException("Beacon counted " + accepted + " of " + events + " events within "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(500);
      HttpResponse<String> stats = get(baseUrl + "/v1/stats");
      Matcher m = ACCEPTED.matcher(stats.body());
      accepted = stats.statusCode() == 200 && m.find() ? Long.parseLong(m.group(1)) : -1;
    }
    if (accepted > events) {
      throw new IllegalStateException("Beacon counted " + accepted + " events, more than the " + events + " written");
    }
    out.printf("bench: Beacon had counted all %,d events after %.1f s%n", accepted, (System.nanoTime() - started) / 1e9);
  }
}
