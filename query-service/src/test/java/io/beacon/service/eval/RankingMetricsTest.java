package io.beacon.service.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  @Test
  void shouldAverageEachMetricOverUsers() {
    RankingMetrics metrics = new RankingMetrics();
    // Hits at ranks 1 and 3 of 2 relevant; a miss; one hit at rank 2 of 12 relevant (NDCG's ideal stops at 10).
    metrics.add(List.of("a", "x", "b", "y"), Set.of("a", "b"));
    metrics.add(List.of("x", "y"), Set.of("a"));
    Set<String> many = Set.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11");
    metrics.add(List.of("x", "r5", "y", "z", "w", "v", "u", "t", "s", "q", "r1"), many); // r1 is 11th: not counted

    RankingMetrics.Result result = metrics.result(20);

    double idealTen = 0;
    for (int i = 0; i < 10; i++) {
      idealTen += 1 / log2(i + 2);
    }
    assertEquals((2 / 10.0 + 0 + 1 / 10.0) / 3, result.precision(), 1e-12);
    assertEquals((1.0 + 0 + 1 / 12.0) / 3, result.recall(), 1e-12);
    assertEquals(((1 + 1 / log2(4)) / (1 + 1 / log2(3)) + 0 + (1 / log2(3)) / idealTen) / 3, result.ndcg(), 1e-12);
    assertEquals(2 / 3.0, result.hitRate(), 1e-12);
    // Recommended to anyone, first 10 only: a x b y (4) + r5 z w v u t s q (8) = 12 of 20.
    assertEquals(12 / 20.0, result.coverage(), 1e-12);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
