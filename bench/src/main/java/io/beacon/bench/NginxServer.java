package io.beacon.bench;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An nginx of the benchmark's own (Debian package {@code nginx-light}) serving one static JSON
 * file: the fastest a web server answers a small JSON on this machine, the baseline for Beacon's
 * HTTP answers. Runs in the foreground on a free port, with its configuration, pid file, logs and
 * temp directories in the workspace, so it needs nothing from /etc/nginx or /var.
 */
final class NginxServer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final int port;
  private final Process process;

  private NginxServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Serves {@code body} at {@code /name} as application/json. */
  static NginxServer start(Path dir, String name, String body) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("www"));
    Files.createDirectories(dir.resolve("temp"));
    Files.writeString(dir.resolve("www").resolve(name), body);
    int port = EmbeddedKafkaBroker.freePort();
    Path config = Files.writeString(dir.resolve("nginx.conf"), config(dir, port));
    Process process;
    try {
      process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", config.toString(), "-e", dir.resolve("error.log").toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("nginx.out").toFile())
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("nginx is not installed: apt-get install nginx-light (./beacon bench installs it)", e);
    }
    NginxServer nginx = new NginxServer(port, process);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!nginx.serves(name)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("nginx did not start; see " + dir.resolve("error.log") + " and " + dir.resolve("nginx.out"));
        }
        Thread.sleep(50);
      }
    } catch (Exception e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  private static String config(Path dir, int port) {
    String temp = dir.resolve("temp").toString();
    // Workers run as the benchmark's user, so they can read the workspace (nginx ignores the
    // directive, with a warning, when not started as root). No access log: a file write per
    // request is not what is measured. keepalive_requests: nginx would otherwise close each
    // connection after 1000 requests, which Beacon does not.
    return """
        user %s;
        worker_processes auto;
        daemon off;
        pid %s/nginx.pid;
        events { worker_connections 1024; }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          keepalive_requests 1000000;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          types { application/json json; }
          server {
            listen 127.0.0.1:%d;
            root %s/www;
          }
        }
        """.formatted(System.getProperty("user.name"), dir, temp, temp, temp, temp, temp, port, dir);
  }

  String url(String name) {
    return "http://127.0.0.1:" + port + "/" + name;
  }

  private boolean serves(String name) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url(name))).timeout(Duration.ofSeconds(1)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> workers = process.descendants().toList();
    process.destroy(); // SIGTERM: the master stops its workers
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    workers.forEach(ProcessHandle::destroyForcibly); // only if the master could not stop them
  }
}
