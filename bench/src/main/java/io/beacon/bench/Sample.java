package io.beacon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Repeated measurements of one figure: reported as median with min and max, never a single run. */
record Sample(List<Double> values) {

  Sample {
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurement");
    }
  }

  /** One figure of each run, e.g. {@code Sample.of(wrkRuns, Wrk.Result::p99Ms)}. */
  static <T> Sample of(List<T> runs, ToDoubleFunction<T> figure) {
    return new Sample(runs.stream().mapToDouble(figure).boxed().toList());
  }

  double median() {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double max() {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** "median (min–max)" with thousands separators. */
  String describe() {
    return describe("%,.0f");
  }

  /** "median (min–max)", each formatted with {@code format}, e.g. "%.2f" for milliseconds. */
  String describe(String format) {
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(), min(), max());
  }
}
