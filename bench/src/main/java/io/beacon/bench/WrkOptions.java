package io.beacon.bench;

import java.time.Duration;
import java.util.List;

/**
 * The options every command that loads Beacon with wrk takes: {@code --runs}, {@code --seconds},
 * {@code --warm-up}, {@code --connections} and {@code --beacon-jvm}.
 *
 * @param runs measured runs of each system, in turn (default 3)
 * @param duration a wrk run's length
 * @param warmUp unmeasured load on a new Beacon process first, at least (default 30 s; {@link WarmUp})
 * @param connections wrk's connections
 * @param jvmOptions more options for the Beacon processes' JVMs
 */
record WrkOptions(int runs, Duration duration, Duration warmUp, int connections, List<String> jvmOptions) {

  static WrkOptions read(Args args, int defaultSeconds, int defaultConnections) {
    return new WrkOptions(args.positive("--runs", 3), Duration.ofSeconds(args.positive("--seconds", defaultSeconds)),
        Duration.ofSeconds(args.positive("--warm-up", 30)), args.positive("--connections", defaultConnections),
        args.words("--beacon-jvm"));
  }
}
