package io.beacon.service.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.loadgen.interactions.ExactItemToItem;
import io.beacon.loadgen.interactions.Interaction;
import io.beacon.loadgen.interactions.SyntheticInteractions;
import io.beacon.streams.PersonalConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation end to end on a real broker: Beacon fed a replay learns exactly the co-occurrence
 * counts the offline model computes, and {@code beacon eval personal} writes its report.
 */
@Tag("integration")
class PersonalEvalIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void shouldLearnExactlyTheCoOccurrenceCountsOfTheOfflineModelFromAReplay() throws Exception {
    List<Interaction> rows = new ArrayList<>(new SyntheticInteractions(11, 60, 30, 3, 5, 15, Duration.ofDays(3), 0.2, 0.1,
        Instant.parse("2026-11-01T00:00:00Z")).generate());
    rows.sort(HoldoutSplit.BY_TIME);
    long shift = Instant.now().minusSeconds(60).toEpochMilli() - rows.get(rows.size() - 1).time();
    try (ReplayedBeacon beacon = ReplayedBeacon.start(dir, Map.of())) {
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      beacon.load(rows, shift, dir, quiet, quiet);
      PersonalConfig settings = beacon.personal();
      ExactItemToItem exact = new ExactItemToItem(rows, new ExactItemToItem.Settings(settings.coVisitWindow().toMillis(),
          settings.halfLife().toMillis(), settings.clickWeight()));

      int pairs = 0;
      for (String product : new TreeSet<>(rows.stream().map(Interaction::productId).toList())) {
        JsonNode related = get(beacon, "/v1/advertisers/eval/products/" + product + "/related?n=100");
        Map<String, JsonNode> byProduct = new HashMap<>();
        related.path("items").forEach(item -> byProduct.put(item.path("product_id").asText(), item));
        assertEquals(exact.neighbours(product), byProduct.keySet(), "neighbours of " + product);
        for (String other : exact.neighbours(product)) {
          assertRelativelyEqual(exact.together(product, other), byProduct.get(other).path("together").asDouble(), product + "~" + other);
          assertRelativelyEqual(exact.similarity(product, other), byProduct.get(other).path("score").asDouble(), product + "~" + other);
          pairs++;
        }
      }
      assertTrue(pairs > 200, "pairs compared: " + pairs);

      for (String user : new TreeSet<>(rows.stream().map(Interaction::userId).toList())) {
        List<String> personal = new ArrayList<>();
        get(beacon, "/v1/advertisers/eval/users/" + user + "/recommendations?n=10").path("items").forEach(item -> {
          if (item.path("source").asText().equals("personal")) {
            personal.add(item.path("product_id").asText());
          }
        });
        assertEquals(exact.recommend(user, 10, true).stream().map(ExactItemToItem.Scored::productId).toList(), personal, user);
      }
    }
  }

  @Test
  void shouldWriteAReportOfTheSampleWithBothBaselinesAndTheTargets() throws Exception {
    Path report = dir.resolve("docs/eval.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = EvalCommand.run(new String[] {"personal", "--interactions", sample().toString(), "--report", report.toString(),
        "--bounded", "5,5"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String text = Files.readString(report);
    for (String expected : List.of("`interactions-sample.csv`; 5,000 interactions, 50 products", "| popularity |",
        "| exact item-to-item |", "| Beacon |", "| Beacon, history-size 5, max-neighbours 5 |",
        "Beacon's recall@10 ≥ 2× popularity's", "what tight bounds cost", "![Metrics of each model](eval.png)")) {
      assertTrue(text.contains(expected), expected + " in\n" + text);
    }
    assertTrue(text.contains("for 100.0% of test users"), "Beacon answers as the exact model:\n" + text);
    assertNotNull(ImageIO.read(dir.resolve("docs/eval.png").toFile()), "the chart is a PNG");
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("eval: wrote " + report), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRefuseWhatItCannotEvaluateNamingTheOption() {
    for (List<String> args : List.of(List.of("personal", "--interactions", dir.resolve("missing.csv").toString()),
        List.of("personal", "--bounded", "ten"), List.of("personal", "--holdout", "0"), List.of("personal", "--seeds", "3"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = EvalCommand.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, status, args + ": " + message);
      assertTrue(Set.of("missing.csv", "--bounded", "--holdout", "--seeds").stream().anyMatch(message::contains), message);
    }
  }

  /** The sample shipped in examples/, as a user would point the command at it. */
  private static Path sample() {
    Path sample = Path.of("..", "examples", "interactions-sample.csv");
    assertTrue(Files.isReadable(sample), "run from the module directory: " + sample.toAbsolutePath());
    return sample;
  }

  private static JsonNode get(ReplayedBeacon beacon, String path) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(beacon.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), path + ": " + answer.body());
    return JSON.readTree(answer.body());
  }

  private static void assertRelativelyEqual(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-9, what);
  }
}
