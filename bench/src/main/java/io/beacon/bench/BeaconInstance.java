package io.beacon.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Beacon instance as its own OS process ({@code java -jar query-service/target/beacon.jar
 * start}) against a broker the benchmark runs, configured as the README tells a user to: through
 * environment variables. Its own process, so its RSS and latency are Beacon's alone.
 */
final class BeaconInstance implements AutoCloseable {

  /** The packaged service; {@code ./beacon bench} builds it. */
  static final Path JAR = Path.of("query-service/target/beacon.jar");
  /** How long an instance with little state may take to be ready. */
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Path dir;
  private final int port;
  private final Process process;

  private BeaconInstance(String name, Path dir, int port, Process process) {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts an instance with its state under {@code dir}; {@code env} adds or overrides settings
   * (KAFKA_BOOTSTRAP_SERVERS is required). Returns once it answers ready.
   */
  static BeaconInstance start(String name, Path dir, int port, String heap, Map<String, String> env) throws Exception {
    return start(name, dir, port, heap, List.of(), env, READY_TIMEOUT);
  }

  /**
   * As above, with more options for its JVM (e.g. {@code -XX:StartFlightRecording=...} to profile
   * it), waiting up to {@code readyTimeout} (restoring much state takes long).
   */
  static BeaconInstance start(String name, Path dir, int port, String heap, List<String> jvmOptions,
      Map<String, String> env, Duration readyTimeout) throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build with ./beacon bench, or mvn -DskipTests package");
    }
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", JAR.toAbsolutePath().toString(), "start", "--port", String.valueOf(port)));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    builder.environment().put("BEACON_APPLICATION_SERVER", "127.0.0.1:" + port);
    builder.environment().put("BEACON_STATE_DIR", stateDir(dir).toString());
    builder.environment().putAll(env);
    BeaconInstance instance = new BeaconInstance(name, dir, port, builder.start());
    try {
      instance.awaitReady(readyTimeout);
    } catch (RuntimeException | InterruptedException e) {
      instance.kill(); // not left running when the benchmark gives up on it
      throw e;
    }
    return instance;
  }

  /** The RocksDB state of an instance started in {@code dir}. */
  static Path stateDir(Path dir) {
    return dir.resolve("state");
  }

  /** What the process printed: stdout and stderr. */
  Path log() {
    return dir.resolve(name + ".log");
  }

  String url() {
    return "http://" + address();
  }

  /** {@code host:port} as the other instances know it (its {@code BEACON_APPLICATION_SERVER}). */
  String address() {
    return "127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time the process has used so far, all its threads, user and system. */
  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the OS does not tell the CPU time of " + name));
  }

  /** Resident set size of the process, from /proc (Linux). */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private boolean ready() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health/readiness")).timeout(Duration.ofSeconds(2))
          .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until the instance answers ready; how long that took. */
  Duration awaitReady(Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    while (!ready()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + dir.resolve(name + ".log"));
      }
      if (System.nanoTime() - started > timeout.toNanos()) {
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; see " + dir.resolve(name + ".log"));
      }
      Thread.sleep(100);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
