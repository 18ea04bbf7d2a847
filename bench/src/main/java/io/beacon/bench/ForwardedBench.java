package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Forwarded top-N queries: two Beacon instances (same application id, each its own port, state
 * directory and {@code BEACON_APPLICATION_SERVER}); the advertisers whose partitions instance A
 * owns are queried with wrk on A (local) and on B, which forwards each query to A (one HTTP hop)
 * and passes the answer back, run by run in turn. Both instances and wrk share the 2 cores.
 */
final class ForwardedBench {

  private ForwardedBench() {}

  /** The {@code forwarded} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    WrkOptions options = WrkOptions.read(args, 10, 64);
    Path chart = Path.of(args.text("--chart", "docs/bench-latency.png"));
    int events = args.positive("--events", 100_000);
    int advertisers = args.positive("--advertisers", 20);
    args.rejectUnread();
    try (Workspace dir = Workspace.create();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), EmbeddedKafkaBroker.freePort())) {
      Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      // Both start before any data is written: with empty state Kafka Streams splits the
      // partitions between them at once, instead of warming B up first.
      try (BeaconInstance a = BeaconInstance.start("a", dir.resolve("a"), EmbeddedKafkaBroker.freePort(), "1g",
              options.jvmOptions(), env, BeaconInstance.READY_TIMEOUT);
          BeaconInstance b = BeaconInstance.start("b", dir.resolve("b"), EmbeddedKafkaBroker.freePort(), "1g",
              options.jvmOptions(), env, BeaconInstance.READY_TIMEOUT)) {
        a.awaitReady(Duration.ofMinutes(1)); // A rebalanced when B joined
        RecentTraffic traffic = RecentTraffic.write(broker.bootstrapServers(), List.of(a.url(), b.url()), events,
            advertisers, 100, out);
        BeaconApi.awaitAccepted(a.url(), traffic.counted(), Duration.ofMinutes(3), out);
        List<String> paths = ownedBy(a, b, BeaconApi.recommendationPaths(traffic.advertisers(), "1h"));
        out.printf("bench: A (%s) owns %d of %d advertisers; B (%s) forwards their queries to A%n",
            a.address(), paths.size(), advertisers, b.address());
        Path scripts = Files.createDirectories(dir.resolve("wrk"));
        WarmUp.run("A", List.of(a), options.warmUp(), time -> Wrk.cycle(a.url(), paths, options.connections(), time, scripts),
            out);
        // B's queries run A's query path too, as the hop's far end.
        WarmUp.run("B", List.of(a, b), options.warmUp(), time -> Wrk.cycle(b.url(), paths, options.connections(), time, scripts),
            out);
        out.printf("bench: %d runs each, %d connections, %d s per wrk run%n", options.runs(), options.connections(),
            options.duration().toSeconds());
        List<Wrk.Result> local = new ArrayList<>();
        List<Wrk.Result> forwarded = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
          local.add(Runs.withCpu(out, "local", List.of(a, b),
              () -> Wrk.cycle(a.url(), paths, options.connections(), options.duration(), scripts)));
          forwarded.add(Runs.withCpu(out, "forwarded", List.of(a, b),
              () -> Wrk.cycle(b.url(), paths, options.connections(), options.duration(), scripts)));
        }
        // The owner must not have changed during the runs, or "forwarded" measured something else.
        if (!ownedBy(a, b, paths).equals(paths)) {
          throw new IllegalStateException("partitions moved between A and B during the runs");
        }
        LatencyChart.update(chart, List.of(
            LatencyChart.Series.of("Beacon top-N 1h, owner local, 2 instances, " + options.connections() + " conn.", local,
                "forwarded"),
            LatencyChart.Series.of("Beacon top-N 1h, forwarded to the owner, " + options.connections() + " conn.", forwarded,
                "forwarded")), out);
        String name = String.format(Locale.ROOT, "forwarded top-N query, owner on the other instance, %d connections, ",
            options.connections());
        return List.of(
            Figure.versus(name + "p99 ms", Sample.of(forwarded, Wrk.Result::p99Ms), "owner local",
                Sample.of(local, Wrk.Result::p99Ms), "%.2f", "≤ 2× local"),
            Figure.versus(name + "req/s", Sample.of(forwarded, Wrk.Result::requestsPerSecond), "owner local",
                Sample.of(local, Wrk.Result::requestsPerSecond), "—"));
      }
    }
  }

  /**
   * The paths whose advertiser A owns, as both instances' answers tell ({@code X-Beacon-Instance}:
   * the instance whose state answered); fails when A owns none or B does not forward to A.
   */
  private static List<String> ownedBy(BeaconInstance a, BeaconInstance b, List<String> paths) throws Exception {
    List<String> owned = new ArrayList<>();
    for (String path : paths) {
      String onA = BeaconApi.getOk(a.url() + path).headers().firstValue(BeaconApi.INSTANCE_HEADER).orElse("");
      if (onA.equals(a.address())) {
        String onB = BeaconApi.getOk(b.url() + path).headers().firstValue(BeaconApi.INSTANCE_HEADER).orElse("");
        if (!onB.equals(a.address())) {
          throw new IllegalStateException(path + " on B was answered by " + onB + ", not by its owner A (" + a.address() + ")");
        }
        owned.add(path);
      }
    }
    if (owned.isEmpty()) {
      throw new IllegalStateException("instance A owns none of the advertisers' partitions");
    }
    return owned;
  }
}
