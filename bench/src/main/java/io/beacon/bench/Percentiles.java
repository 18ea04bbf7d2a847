package io.beacon.bench;

import java.util.ArrayList;
import java.util.List;

/** Percentiles of one set of measurements by the nearest-rank method: p99 is a value that was measured. */
final class Percentiles {

  private final List<Double> sorted;

  Percentiles(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurement");
    }
    sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
  }

  /** The smallest value that at least {@code percent} % of the values are at or below. */
  double at(double percent) {
    // Less a hair, so that rounding (99.9 / 100 * 1000 = 999.0000000000001) does not skip a rank.
    int rank = (int) Math.ceil(percent / 100 * sorted.size() - 1e-9);
    return sorted.get(Math.max(0, rank - 1));
  }

  double max() {
    return sorted.get(sorted.size() - 1);
  }
}
