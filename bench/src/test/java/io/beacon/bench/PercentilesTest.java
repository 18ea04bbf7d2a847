package io.beacon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void shouldAnswerMeasuredValuesByNearestRank() {
    List<Double> values = new ArrayList<>();
    for (int i = 1000; i >= 1; i--) {
      values.add((double) i);
    }
    Percentiles p = new Percentiles(values);
    assertEquals(500, p.at(50));
    assertEquals(990, p.at(99));
    assertEquals(999, p.at(99.9));
    assertEquals(1000, p.max());
    assertEquals(1, p.at(0));
  }

  @Test
  void shouldTakeTheLargestOfFewValuesForHighPercentiles() {
    Percentiles p = new Percentiles(List.of(3.0, 1.0, 2.0));
    assertEquals(2, p.at(50));
    assertEquals(3, p.at(99));
  }
}
