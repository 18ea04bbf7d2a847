package io.beacon.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Measured load runs as they come: printed one by one, and refused when they failed. */
final class Runs {

  /** A wrk run against Beacon. */
  interface BeaconRun {
    Wrk.Result run() throws Exception;
  }

  private Runs() {}

  /** Prints a run's figures and passes them on; a run with errors measured failures, not answers. */
  static Wrk.Result report(PrintStream out, String system, Wrk.Result result) {
    if (result.errors() > 0) {
      throw new IllegalStateException(system + ": " + result.errors() + " errors (connection errors, timeouts or "
          + "non-2xx answers) in " + result.requests() + " requests: the run measured failures, not answers");
    }
    out.printf("bench:   %-10s %s%n", system, result.summary());
    return result;
  }

  /**
   * As {@link #report}, and the CPU time the Beacon instances used per request during the run: on
   * a machine shared with other work, the figure that shows what a query costs whatever else runs.
   * It includes what the instances do when idle (Kafka clients, commits), which counts at low rates.
   */
  static Wrk.Result withCpu(PrintStream out, String system, List<BeaconInstance> instances, BeaconRun run)
      throws Exception {
    Duration before = cpuTime(instances);
    WarmUp.CompilerLoad compilers = WarmUp.CompilerLoad.from(instances);
    long started = System.nanoTime();
    Wrk.Result result = report(out, system, run.run());
    double cpuMs = cpuTime(instances).minus(before).toNanos() / 1e6;
    out.printf(Locale.ROOT, "bench:   %-10s Beacon's processes used %.3f ms of CPU per request (idle work included), "
            + "%.2f cores (JIT compilers %.2f)%n", "", cpuMs / result.requests(), cpuMs * 1e6 / (System.nanoTime() - started),
        compilers.cores());
    return result;
  }

  private static Duration cpuTime(List<BeaconInstance> instances) {
    return instances.stream().map(BeaconInstance::cpuTime).reduce(Duration.ZERO, Duration::plus);
  }
}
