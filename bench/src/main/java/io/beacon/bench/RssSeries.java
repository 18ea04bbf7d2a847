package io.beacon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A process's resident set size sampled over time, and whether it stays flat: first, last, max and slope. */
final class RssSeries {

  private static final double MIB = 1024 * 1024;

  private final List<double[]> samples = new ArrayList<>(); // {minutes since the first sample, MiB}
  private long firstAt;

  void add(long rssBytes) {
    long now = System.nanoTime();
    if (samples.isEmpty()) {
      firstAt = now;
    }
    samples.add(new double[] {(now - firstAt) / 60e9, rssBytes / MIB});
  }

  double firstMiB() {
    return samples.get(0)[1];
  }

  double lastMiB() {
    return samples.get(samples.size() - 1)[1];
  }

  double maxMiB() {
    return samples.stream().mapToDouble(s -> s[1]).max().orElseThrow();
  }

  /** The least-squares slope, MiB per minute. */
  double slopeMiBPerMinute() {
    double n = samples.size();
    double meanT = samples.stream().mapToDouble(s -> s[0]).sum() / n;
    double meanR = samples.stream().mapToDouble(s -> s[1]).sum() / n;
    double covariance = 0;
    double variance = 0;
    for (double[] s : samples) {
      covariance += (s[0] - meanT) * (s[1] - meanR);
      variance += (s[0] - meanT) * (s[0] - meanT);
    }
    return variance == 0 ? 0 : covariance / variance;
  }

  /**
   * What moved inside the process between two readings of its metrics, to tell a growing heap from
   * growing native (RocksDB) memory: the JVM heap committed and RocksDB's block cache.
   */
  static String insideTheProcess(PrometheusMetrics before, PrometheusMetrics after) {
    return String.format(Locale.ROOT, "JVM heap committed %,.0f -> %,.0f MiB, RocksDB block cache %,.0f -> %,.0f MiB",
        before.sum("jvm_memory_committed_bytes", Map.of("area", "heap")) / MIB,
        after.sum("jvm_memory_committed_bytes", Map.of("area", "heap")) / MIB,
        before.max("kafka_stream_state_block_cache_usage").orElse(Double.NaN) / MIB,
        after.max("kafka_stream_state_block_cache_usage").orElse(Double.NaN) / MIB);
  }

  String describe() {
    return String.format(Locale.ROOT, "first %,.0f, last %,.0f, max %,.0f MiB; slope %+.1f MiB/min (%d samples)",
        firstMiB(), lastMiB(), maxMiB(), slopeMiBPerMinute(), samples.size());
  }
}
