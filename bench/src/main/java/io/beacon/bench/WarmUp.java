package io.beacon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The JIT compilers' CPU time of some processes from a moment on, as a share of one core. */
  record CompilerLoad(List<Long> pids, Duration cpuAtStart, long startedNanos) {

    /** Of Beacon instances, from now on. */
    static CompilerLoad from(List<BeaconInstance> instances) {
      return of(instances.stream().map(BeaconInstance::pid).toList());
    }

    /** Of this JVM, from now on. */
    static CompilerLoad ofThisJvm() {
      return of(List.of(ProcessHandle.current().pid()));
    }

    private static CompilerLoad of(List<Long> pids) {
      return new CompilerLoad(pids, cpu(pids), System.nanoTime());
    }

    /** Cores the compilers used on average since the start. */
    double cores() {
      return cpu(pids).minus(cpuAtStart).toNanos() / (double) (System.nanoTime() - startedNanos);
    }

    private static Duration cpu(List<Long> pids) {
      return pids.stream().map(CompilerLoad::compilerCpuTime).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * CPU time a process's JIT compiler threads have used so far, from /proc (Linux): the sum of
     * its threads named "C1 CompilerThread…" or "C2 CompilerThread…" (/proc truncates names to 15
     * characters). A compiler thread that exited takes its time with it; on 2 cores the JVM keeps
     * one of each.
     */
    private static Duration compilerCpuTime(long pid) {
      Path tasks = Path.of("/proc", String.valueOf(pid), "task");
      long nanos = 0;
      try (var threads = Files.list(tasks)) {
        for (Path thread : threads.toList()) {
          try {
            String threadName = Files.readString(thread.resolve("comm")).strip();
            if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")) {
              // schedstat: nanoseconds on a CPU, waiting for one, and time slices.
              nanos += Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ")[0]);
            }
          } catch (IOException gone) {
            // the thread ended between the listing and the read
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the threads of process " + pid + " in " + tasks, e);
      }
      return Duration.ofNanos(nanos);
    }
  }
}
