package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A redis-server of the benchmark's own (Debian package {@code redis-server}) on a free port, its
 * files in a workspace directory. Nothing is saved unless {@code appendOnly}: then every write
 * goes to the append-only file, fsynced once a second, Redis's usual durable setup.
 */
final class RedisServer implements AutoCloseable {

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
