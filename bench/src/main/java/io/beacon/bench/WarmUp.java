package io.beacon.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Unmeasured load on new Beacon processes before a measurement: at least the time asked for, then
 * on until the processes' JIT compilers are nearly idle. On 2 cores shared with the load generator
 * and the broker, the compilers of a process started a minute earlier still took a third of its
 * CPU (async-profiler, BENCHMARKS.md): a fixed warm-up measured a JVM still compiling, by how much
 * depending on the machine's speed that day.
 */
final class WarmUp {

  /** Load for the given time, e.g. a wrk run. */
  interface Load {
    void run(Duration duration) throws Exception;
  }

  /** Load is added in slices of this length while the compilers are busy. */
  static final Duration SLICE = Duration.ofSeconds(10);
  /** Compilers below this share of one core over a slice count as settled. */
  static final double SETTLED_CORES = 0.05;
  /** Load after the minimum is added for at most this long, settled or not. */
  static final Duration LONGEST_EXTRA = Duration.ofMinutes(4);

  private WarmUp() {}

  /** Runs {@code load} for {@code minimum}, then in slices until the compilers of {@code instances} settle. */
  static void run(String what, List<BeaconInstance> instances, Duration minimum, Load load, PrintStream out) throws Exception {
    out.printf("bench: warming %s up for %d s or more, until its JIT compilers settle (not measured)%n", what, minimum.toSeconds());
    load.run(minimum);
    Duration extra = Duration.ZERO;
    while (true) {
      CompilerLoad compilers = CompilerLoad.from(instances);
      load.run(SLICE);
      double cores = compilers.cores();
      extra = extra.plus(SLICE);
      boolean settled = cores < SETTLED_CORES;
      if (settled || extra.compareTo(LONGEST_EXTRA) >= 0) {
        out.printf(Locale.ROOT, "bench: warmed %s up for %d s; its JIT compilers used %.2f cores in the last %d s%s%n", what,
            minimum.plus(extra).toSeconds(), cores, SLICE.toSeconds(), settled ? "" : " (not settled; measuring anyway)");
        return;
      }
    }
  }

  /** The JIT compilers' CPU time of some instances from a moment on, as a share of one core. */
  record CompilerLoad(List<BeaconInstance> instances, Duration cpuAtStart, long startedNanos) {

    /** From now on. */
    static CompilerLoad from(List<BeaconInstance> instances) {
      return new CompilerLoad(instances, cpu(instances), System.nanoTime());
    }

    /** Cores the compilers used on average since {@link #from}. */
    double cores() {
      return cpu(instances).minus(cpuAtStart).toNanos() / (double) (System.nanoTime() - startedNanos);
    }

    private static Duration cpu(List<BeaconInstance> instances) {
      return instances.stream().map(BeaconInstance::compilerCpuTime).reduce(Duration.ZERO, Duration::plus);
    }
  }
}
