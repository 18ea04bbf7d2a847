package io.beacon.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads Beacon's answers over HTTP and compares them with the {@link GroundTruth}: totals by
 * outcome, every advertiser's top-products list (order and counts) and every minute of its stats.
 */
public final class Verifier {

  /** What was compared and every difference found; a run is good when there are none. */
  public record Report(long advertisersChecked, long minutesChecked, long accepted, Map<String, Long> rejected, List<String> differences) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String apiKey;

  public Verifier(String base, String apiKey) {
    this.base = base.replaceAll("/+$", "");
    this.apiKey = apiKey;
  }

  /** Waits until Beacon has processed as many records as the truth expects, at most {@code timeout}. */
  public void awaitProcessed(GroundTruth truth, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long expected = truth.accepted + truth.rejectedTotal();
    String lastProblem = "";
    while (true) {
      JsonNode stats;
      try {
        stats = get("/v1/stats");
      } catch (IOException e) {
        stats = null;
        lastProblem = e.getMessage();
      }
      if (stats != null && processed(stats) >= expected && stats.path("missing_instances").isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("Beacon processed " + (stats == null ? "?" : processed(stats)) + " of " + expected
            + " records within " + timeout.toSeconds() + " s" + (stats == null ? "; last answer: " + lastProblem : "; last: " + stats));
      }
      Thread.sleep(500);
    }
  }

  public Report verify(GroundTruth truth) throws IOException, InterruptedException {
    List<String> differences = new ArrayList<>();
    JsonNode stats = get("/v1/stats");
    long accepted = stats.at("/events/accepted").asLong();
    if (accepted != truth.accepted) {
      differences.add("accepted: Beacon " + accepted + ", truth " + truth.accepted);
    }
    Map<String, Long> rejected = new java.util.TreeMap<>();
    truth.rejected.forEach((reason, count) -> {
      long actual = stats.at("/events/rejected/" + reason).asLong();
      rejected.put(reason, actual);
      long uncertain = reason.equals("DUPLICATE") ? truth.uncertainDuplicates : 0;
      if (actual < count || actual > count + uncertain) {
        differences.add("rejected " + reason + ": Beacon " + actual + ", truth " + count
            + (uncertain > 0 ? " to " + (count + uncertain) : ""));
      }
    });
    long minutes = 0;
    for (Map.Entry<String, GroundTruth.Advertiser> entry : truth.advertisers.entrySet()) {
      String advertiser = entry.getKey();
      compareRanking(advertiser, entry.getValue(), truth.queryAt, differences);
      minutes += compareMinutes(advertiser, entry.getValue(), truth.queryAt, differences);
    }
    return new Report(truth.advertisers.size(), minutes, accepted, rejected, differences);
  }

  private void compareRanking(String advertiser, GroundTruth.Advertiser truth, String at, List<String> differences)
      throws IOException, InterruptedException {
    JsonNode answer = get("/v1/advertisers/" + advertiser + "/recommendations?model=top-products&window=6h&n=100&at=" + at);
    List<Map.Entry<String, GroundTruth.Counts>> expected = truth.products().entrySet().stream()
        .filter(e -> e.getValue().views() > 0)
        .sorted(Comparator.<Map.Entry<String, GroundTruth.Counts>>comparingLong(e -> -e.getValue().views())
            .thenComparingLong(e -> -e.getValue().impressions())
            .thenComparing(Map.Entry::getKey))
        .toList();
    JsonNode items = answer.get("items");
    if (items.size() != expected.size()) {
      differences.add(advertiser + ": " + items.size() + " ranked products, truth " + expected.size());
      return;
    }
    for (int i = 0; i < expected.size(); i++) {
      JsonNode item = items.get(i);
      GroundTruth.Counts counts = expected.get(i).getValue();
      String actual = item.get("product_id").asText() + " " + item.get("views").asLong() + "/" + item.get("impressions").asLong()
          + "/" + item.get("clicks").asLong();
      String want = expected.get(i).getKey() + " " + counts.views() + "/" + counts.impressions() + "/" + counts.clicks();
      if (!actual.equals(want)) {
        differences.add(advertiser + " rank " + (i + 1) + ": Beacon " + actual + ", truth " + want);
      }
    }
  }

  private long compareMinutes(String advertiser, GroundTruth.Advertiser truth, String at, List<String> differences)
      throws IOException, InterruptedException {
    JsonNode answer = get("/v1/advertisers/" + advertiser + "/stats?window=6h&step=1m&at=" + at);
    long checked = 0;
    for (JsonNode point : answer.get("points")) {
      long minute = java.time.Instant.parse(point.get("start").asText()).toEpochMilli() / 60_000;
      GroundTruth.Counts want = truth.minutes().getOrDefault(minute, new GroundTruth.Counts(0, 0, 0));
      GroundTruth.Counts actual = new GroundTruth.Counts(point.get("views").asLong(), point.get("impressions").asLong(), point.get("clicks").asLong());
      if (!actual.equals(want)) {
        differences.add(advertiser + " minute " + point.get("start").asText() + ": Beacon " + actual + ", truth " + want);
      }
      checked++;
    }
    return checked;
  }

  private static long processed(JsonNode stats) {
    long total = stats.at("/events/accepted").asLong();
    for (JsonNode count : stats.at("/events/rejected")) {
      total += count.asLong();
    }
    return total;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
