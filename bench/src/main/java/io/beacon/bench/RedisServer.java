package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A redis-server of the benchmark's own (Debian package {@code redis-server}) on a free port, its
 * files in a workspace directory. Nothing is saved unless {@code appendOnly}: then every write
 * goes to the append-only file, fsynced once a second, Redis's usual durable setup. Loaded with
 * Jedis, or with redis-benchmark ({@code redis-tools}).
 */
final class RedisServer implements AutoCloseable {

  private static final Pattern THROUGHPUT = Pattern.compile("throughput summary: ([\\d.]+) requests per second");
  // The line under "avg min p50 p95 p99 max" of the latency summary.
  private static final Pattern SUMMARY = Pattern.compile(
      "avg\\s+min\\s+p50\\s+p95\\s+p99\\s+max\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)");
  // A line of the "Latency by percentile distribution" (HdrHistogram: 50%, 75%, 87.5%, ...).
  private static final Pattern PERCENTILE = Pattern.compile("([\\d.]+)% <= ([\\d.]+) milliseconds");

  private final Process process;
  private final int port;
  private final Path log;
  /** Stops the server if the JVM ends before {@link #close()}, e.g. on Ctrl-C: it is not a child that dies with us. */
  private final Thread stopOnExit;

  private RedisServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.stopOnExit = new Thread(process::destroy);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  static RedisServer start(Path dir, boolean appendOnly) throws Exception {
    Files.createDirectories(dir);
    int port = EmbeddedKafkaBroker.freePort();
    Path log = dir.resolve("redis.log");
    Process process;
    try {
      process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--dir", dir.toAbsolutePath().toString(), "--logfile", log.toAbsolutePath().toString(), "--save", "",
          "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec"))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("redis-server is not installed: apt-get install redis-server (./beacon bench installs it)", e);
    }
    RedisServer server = new RedisServer(process, port, log);
    try {
      server.awaitPing(Duration.ofSeconds(10));
      return server;
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  /** A new connection; its timeout allows for FLUSHALL of millions of keys. */
  Jedis connect() {
    return new Jedis("127.0.0.1", port, (int) Duration.ofMinutes(1).toMillis());
  }

  /** Replaces {@code key} with a sorted set of these members and scores. */
  void sortedSet(String key, Map<String, Long> scores) {
    try (Jedis jedis = connect()) {
      jedis.del(key);
      Map<String, Double> members = new java.util.HashMap<>();
      scores.forEach((member, score) -> members.put(member, score.doubleValue()));
      jedis.zadd(key, members);
    }
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

  private void awaitPing(Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    while (true) {
      try (Jedis jedis = new Jedis("127.0.0.1", port, 1000)) {
        jedis.ping();
        return;
      } catch (JedisConnectionException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + log);
        }
        if (System.nanoTime() - started > timeout.toNanos()) {
          throw new IllegalStateException("redis-server did not answer PING within " + timeout.toSeconds() + " s; see " + log);
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    Runtime.getRuntime().removeShutdownHook(stopOnExit);
  }
}
