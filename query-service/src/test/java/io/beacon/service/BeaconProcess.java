package io.beacon.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Beacon as its own OS process ({@code java -jar target/beacon.jar start}), which a test can kill
 * with SIGKILL and start again on the same state directory, as a machine crash would.
 */
final class BeaconProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Path dir;
  private final Map<String, String> env;
  private final int port;
  private Process process;

  BeaconProcess(String name, Path dir, int port, Map<String, String> env) {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.env = env;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** {@code host:port} as the other instances and its answers name it ({@code BEACON_APPLICATION_SERVER}). */
  String address() {
    return "127.0.0.1:" + port;
  }

  /** What the process printed: stdout and stderr. */
  Path log() {
    return dir.resolve(name + ".log");
  }

  void start() throws IOException {
    Files.createDirectories(dir);
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-jar", Path.of("target/beacon.jar").toAbsolutePath().toString(), "start", "--port", String.valueOf(port)))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    builder.environment().putAll(env);
    builder.environment().put("BEACON_APPLICATION_SERVER", "127.0.0.1:" + port);
    builder.environment().put("BEACON_STATE_DIR", dir.resolve("state").toString());
    process = builder.start();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGSTOP: the process stands still, as in a long GC pause or a frozen VM, holding its connections. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}: the process goes on as if nothing happened, and must find out it was replaced. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  boolean ready() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health/readiness")).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
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
      Thread.sleep(250);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
