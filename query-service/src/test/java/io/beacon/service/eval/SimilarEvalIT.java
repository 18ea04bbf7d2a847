package io.beacon.service.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beacon eval similar} end to end on the shipped sample catalog: a real broker, Beacon over HTTP, the report. */
@Tag("integration")
class SimilarEvalIT {

  private static final Pattern ROW = Pattern.compile("^\\| ([^|]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|", Pattern.MULTILINE);

  @TempDir
  Path dir;

  @Test
  void shouldScoreEachMethodAndFieldModeAgainstTheBaselinesAndWriteTheReport() throws Exception {
    Path report = dir.resolve("eval-similar.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = EvalCommand.run(new String[] {"similar", "--catalog", Path.of("..", "examples", "catalog-sample.jsonl").toString(),
        "--report", report.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));

    String markdown = Files.readString(report);
    Map<String, Double> precision = new HashMap<>();
    Matcher row = ROW.matcher(markdown);
    while (row.find()) {
      precision.put(row.group(1), Double.parseDouble(row.group(2)));
    }
    assertEquals(6, precision.size(), markdown);
    double random = precision.get("random");
    double sameCategory = precision.get("same category");
    assertTrue(random > 0.05 && random < 0.2, "10 labels: about a tenth at random, was " + random);
    assertTrue(sameCategory > random, "categories follow the topic 60% of the time");
    for (String method : SimilarEvaluation.METHODS) {
      double all = precision.get("Beacon " + method + ", features=all");
      assertTrue(all > 2 * sameCategory, method + ": the text finds the topic far better than the category, " + all);
    }
    assertTrue(precision.get("Beacon bm25, features=all") >= precision.get("Beacon bm25, features=description"),
        "with the shipped weights, the other fields help the default method: " + precision);
    assertTrue(markdown.contains("500 products"), markdown);
  }
}
