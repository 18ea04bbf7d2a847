package io.beacon.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /prometheus} (text format): the samples by name and labels. */
final class PrometheusMetrics {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Sample> samples;

  private PrometheusMetrics(List<Sample> samples) {
    this.samples = samples;
  }

  static PrometheusMetrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new PrometheusMetrics(samples);
  }

  /** What counters and histograms gained since {@code earlier}: each sample less the same series' earlier value. */
  PrometheusMetrics since(PrometheusMetrics earlier) {
    Map<String, Double> before = new HashMap<>();
    earlier.samples.forEach(s -> before.put(s.name() + s.labels(), s.value()));
    return new PrometheusMetrics(samples.stream()
        .map(s -> new Sample(s.name(), s.labels(), s.value() - before.getOrDefault(s.name() + s.labels(), 0.0)))
        .toList());
  }

  /** The samples of {@code name} whose labels include every one of {@code labels}. */
  List<Sample> named(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  double sum(String name, Map<String, String> labels) {
    return named(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  OptionalDouble max(String name) {
    return named(name, Map.of()).stream().mapToDouble(Sample::value).max();
  }

  /**
   * The upper bound of the histogram bucket that holds quantile {@code q} of {@code histogram}
   * ({@code <histogram>_bucket} series with {@code le}): "the q-quantile is at most this".
   */
  OptionalDouble quantileBound(String histogram, double q) {
    List<Sample> buckets = new ArrayList<>(named(histogram + "_bucket", Map.of()));
    buckets.sort((a, b) -> Double.compare(le(a), le(b)));
    double total = buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).value();
    for (Sample bucket : buckets) {
      if (total > 0 && bucket.value() >= q * total) {
        return OptionalDouble.of(le(bucket));
      }
    }
    return OptionalDouble.empty();
  }

  private static double le(Sample bucket) {
    String le = bucket.labels().get("le");
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }
}
