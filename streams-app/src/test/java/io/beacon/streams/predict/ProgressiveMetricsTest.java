package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beacon.avro.ModelMetrics;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProgressiveMetricsTest {

  @Test
  void shouldSumLogLossClicksAndPredictedClicksOverallAndPerPlacement() {
    ProgressiveMetrics metrics = new ProgressiveMetrics(1000);
    metrics.add(0.25, true, "top");
    metrics.add(0.25, false, "top");
    metrics.add(0.5, false, null);

    ModelMetrics m = metrics.snapshot();
    assertEquals(3, m.getExamples());
    assertEquals(1, m.getClicks());
    assertEquals(1.0, m.getPredictedClicks(), 1e-12);
    assertEquals(-Math.log(0.25) - Math.log(0.75) - Math.log(0.5), m.getLogLossSum(), 1e-12);
    assertEquals(2, m.getPlacements().get("top").getExamples());
    assertEquals(0.5, m.getPlacements().get("top").getPredictedClicks(), 1e-12);
    assertEquals(1, m.getPlacements().get(ProgressiveMetrics.NO_PLACEMENT).getExamples());
  }

  @Test
  void shouldComputeTheAucOfAllPairsWithinAFewThousandths() {
    ProgressiveMetrics metrics = new ProgressiveMetrics(1000);
    SplittableRandom random = new SplittableRandom(5);
    int n = 4000;
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      p[i] = 0.001 + 0.2 * random.nextDouble();
      y[i] = random.nextDouble() < p[i];
      metrics.add(p[i], y[i], "top");
    }
    double pairs = 0;
    long positives = 0;
    long negatives = 0;
    for (int i = 0; i < n; i++) {
      if (!y[i]) {
        negatives++;
        continue;
      }
      positives++;
      for (int j = 0; j < n; j++) {
        if (!y[j]) {
          pairs += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(pairs / (positives * (double) negatives), metrics.snapshot().getAuc(), 0.003);
  }

  @Test
  void shouldHaveNoAucUntilBothLabelsWereSeen() {
    ProgressiveMetrics metrics = new ProgressiveMetrics(1000);
    metrics.add(0.1, false, "top");
    assertNull(metrics.snapshot().getAuc());
  }

  @Test
  void shouldScoreTheLatestExamplesOnlyInTheRecentLogLoss() {
    ProgressiveMetrics metrics = new ProgressiveMetrics(1000);
    for (int i = 0; i < 5000; i++) {
      metrics.add(0.5, false, "top"); // log loss ln 2 each
    }
    for (int i = 0; i < 1000; i++) {
      metrics.add(0.1, false, "top");
    }
    ModelMetrics m = metrics.snapshot();
    assertEquals(900, m.getRecentExamples(), "nine full blocks of a tenth each, the tenth block just begun");
    assertEquals(-Math.log(0.9), m.getRecentLogLossSum() / m.getRecentExamples(), 1e-9);
  }

  @Test
  void shouldComeBackTheSameFromItsBytes() {
    ProgressiveMetrics metrics = new ProgressiveMetrics(1000);
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 777; i++) {
      metrics.add(random.nextDouble(), random.nextBoolean(), "p" + random.nextInt(100));
    }
    assertEquals(metrics.snapshot(), ProgressiveMetrics.fromBytes(metrics.toBytes(), 1000).snapshot());
    assertEquals(ProgressiveMetrics.MAX_PLACEMENTS, metrics.snapshot().getPlacements().size(),
        "placements beyond the bound are added up as one");
  }
}
