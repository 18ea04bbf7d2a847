package io.beacon.bench;

import java.util.Locale;

/**
 * One row of BENCHMARKS.md's table: Beacon's figure beside its baseline from the same run.
 *
 * @param name what is measured, with its unit
 * @param beacon Beacon's median (min–max), or a single described value
 * @param baseline the baseline's name and median (min–max), or "—" when the figure has none
 * @param ratio Beacon over the baseline, or "—"
 * @param target the target for the figure
 */
record Figure(String name, String beacon, String baseline, String ratio, String target) {

  static final String HEADER = "| figure | Beacon, median (min–max) | baseline in the same run | ratio | target |\n"
      + "| --- | --- | --- | --- | --- |\n";

  /** A figure with a baseline: the ratio is Beacon's median over the baseline's. */
  static Figure versus(String name, Sample beacon, String baselineName, Sample baseline, String target) {
    return versus(name, beacon, baselineName, baseline, "%,.0f", target);
  }

  /** As above, with both samples formatted with {@code format}, e.g. "%.2f" for milliseconds. */
  static Figure versus(String name, Sample beacon, String baselineName, Sample baseline, String format, String target) {
    return new Figure(name, beacon.describe(format), baselineName + ": " + baseline.describe(format),
        String.format(Locale.ROOT, "%.2f×", beacon.median() / baseline.median()), target);
  }

  String row() {
    return "| " + name + " | " + beacon + " | " + baseline + " | " + ratio + " | " + target + " |\n";
  }
}
