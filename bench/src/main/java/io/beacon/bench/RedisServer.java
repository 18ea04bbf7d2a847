package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A redis-server of the benchmark's own (Debian package {@code redis-server}) on a free port, files
 * in the workspace, persistence off; loaded with redis-benchmark ({@code redis-tools}). A sorted
 * set's ZREVRANGE is the baseline for a top-N read: the ranking a key-value store keeps ready.
 */
final class RedisServer implements AutoCloseable {

  private static final Pattern THROUGHPUT = Pattern.compile("throughput summary: ([\\d.]+) requests per second");
  // The line under "avg min p50 p95 p99 max" of the latency summary.
  private static final Pattern SUMMARY = Pattern.compile(
      "avg\\s+min\\s+p50\\s+p95\\s+p99\\s+max\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)");
  // A line of the "Latency by percentile distribution" (HdrHistogram: 50%, 75%, 87.5%, ...).
  private static final Pattern PERCENTILE = Pattern.compile("([\\d.]+)% <= ([\\d.]+) milliseconds");

  private final int port;
  private final Process process;

  private RedisServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static RedisServer start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = EmbeddedKafkaBroker.freePort();
    Process process;
    try {
      process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
          "--logfile", dir.resolve("redis.log").toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.out").toFile())
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("redis-server is not installed: apt-get install redis-server (./beacon bench installs it)", e);
    }
    RedisServer redis = new RedisServer(port, process);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!redis.cli("PING").equals("PONG")) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
        }
        Thread.sleep(50);
      }
    } catch (Exception e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  /** Replaces {@code key} with a sorted set of these members and scores. */
  void sortedSet(String key, Map<String, Long> scores) throws IOException, InterruptedException {
    cli("DEL", key);
    List<String> zadd = new ArrayList<>(List.of("ZADD", key));
    scores.forEach((member, score) -> {
      zadd.add(String.valueOf(score));
      zadd.add(member);
    });
    cli(zadd.toArray(String[]::new));
  }

  /** A command's answer, as redis-cli prints it. */
  String cli(String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
    args.addAll(List.of(command));
    Process cli = new ProcessBuilder(args).redirectErrorStream(true).start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    cli.waitFor();
    return output;
  }

  /**
   * {@code requests} of {@code command} from {@code clients} connections. redis-benchmark gives
   * no p99.9: its percentile distribution halves what remains (…, 99.805%, 99.902%), so p99.9 is
   * read as the 99.902% line, the nearest at or above it: at least the true p99.9.
   */
  Wrk.Result benchmark(int clients, int requests, String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("redis-benchmark", "-p", String.valueOf(port),
        "-c", String.valueOf(clients), "-n", String.valueOf(requests)));
    args.addAll(List.of(command));
    Process benchmark = new ProcessBuilder(args).redirectErrorStream(true).start();
    String output = new String(benchmark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = benchmark.waitFor();
    Matcher throughput = THROUGHPUT.matcher(output);
    Matcher summary = SUMMARY.matcher(output);
    int distribution = output.indexOf("Latency by percentile distribution");
    if (exit != 0 || !throughput.find() || !summary.find() || distribution < 0) {
      throw new IllegalStateException("redis-benchmark failed (exit " + exit + "): " + output);
    }
    double p999 = Double.NaN;
    Matcher percentile = PERCENTILE.matcher(output.substring(distribution));
    while (percentile.find()) {
      if (Double.parseDouble(percentile.group(1)) >= 99.9) {
        p999 = Double.parseDouble(percentile.group(2));
        break;
      }
    }
    return new Wrk.Result(Double.parseDouble(throughput.group(1)), Double.parseDouble(summary.group(3)),
        Double.parseDouble(summary.group(5)), p999, requests, 0);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: redis-server shuts down (nothing to save)
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
