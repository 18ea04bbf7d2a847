package io.beacon.service.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beacon eval predict} end to end at a small scale: impressions of the known click model
 * through a real broker into Beacon, both models' figures from their versions, the holdout over
 * HTTP, the report and its charts.
 */
@Tag("integration")
class PredictEvalIT {

  /** A progressive log loss row: model, all examples, latest examples. */
  private static final Pattern ROW = Pattern.compile("^\\| (ftrl|smoothed-ctr \\(baseline\\)|Bayes-optimal \\(true probabilities\\)) \\| "
      + "([0-9.]+) \\| ([0-9.]+) \\|", Pattern.MULTILINE);

  @TempDir
  Path dir;

  @Test
  void shouldScoreBothModelsAgainstTheOptimalAndWriteTheReportAndCharts() throws Exception {
    Path report = dir.resolve("eval-predict.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = EvalCommand.run(new String[] {"predict", "--impressions", "20000", "--holdout", "500", "--report", report.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));

    String markdown = Files.readString(report);
    Matcher row = ROW.matcher(markdown);
    double optimal = Double.NaN;
    double ftrl = Double.NaN;
    while (row.find()) {
      double all = Double.parseDouble(row.group(2));
      if (row.group(1).startsWith("Bayes")) {
        optimal = all;
      } else if (row.group(1).equals("ftrl")) {
        ftrl = all;
      }
    }
    assertTrue(optimal > 0.05 && optimal < 0.3, "clicks of a few percent: " + markdown);
    assertTrue(ftrl >= optimal * 0.97 && ftrl < optimal * 1.5, "ftrl's progressive log loss near the optimal's: " + markdown);
    assertTrue(markdown.contains("20,000 training impressions") && markdown.contains("## Targets"), markdown);
    assertTrue(Files.size(dir.resolve("eval-predict-logloss.png")) > 0 && Files.size(dir.resolve("eval-predict-calibration.png")) > 0);
  }
}
