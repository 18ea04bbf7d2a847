package io.beacon.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster run in this JVM by Kafka's own KRaft server code: one process is
 * both controller and broker, as in Kafka's quickstart. Data lives under the given directory and
 * survives restarts, so counts kept by Kafka Streams survive too. Other processes and clients such
 * as {@code kcat} can connect to {@link #bootstrapServers()}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;

  /** A SCRAM-SHA-512 user the broker is formatted with, for clients of a SASL listener. */
  public record ScramUser(String name, String password) {}

  private final KafkaRaftServer server;
  private final int port;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Formats {@code dataDir} on first use and starts the broker on {@code 127.0.0.1:port}.
   *
   * @throws IllegalStateException when the port is taken or the broker cannot start, with the reason
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * As {@link #start(Path, int)}, but clients on {@code port} must authenticate with SASL
   * SCRAM-SHA-512 as {@code user}, to test Beacon against a secured cluster. The broker talks to
   * itself on a second, plaintext listener on a free local port.
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port, ScramUser user) {
    requireFree(port, "--kafka-port");
    // The controller listener is internal to this process, and with a static voter set its
    // address is read from configuration at every start, so any free port will do.
    int controllerPort = freePort();
    Properties config = config(dataDir.toAbsolutePath(), NODE_ID, port, controllerPort, NODE_ID + "@" + HOST + ":" + controllerPort);
    if (user != null) {
      secure(config, port, freePort(), controllerPort);
    }
    return run(dataDir.toAbsolutePath(), config, Uuid.randomUuid().toString(), user, port);
  }

  /** Formats {@code logDir} for {@code clusterId} unless an earlier start did, and starts the node. */
  static EmbeddedKafkaBroker run(Path logDir, Properties config, String clusterId, ScramUser user, int port) {
    try {
      Files.createDirectories(logDir);
      formatIfNew(logDir, config, clusterId, user);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + logDir, e);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      throw new IllegalStateException("embedded Kafka broker failed to start on " + HOST + ":" + port
          + " with data in " + logDir + ": " + e.getMessage(), e);
    }
    LOG.info("Embedded Kafka broker started on {}:{} with data in {}", HOST, port, logDir);
    return new EmbeddedKafkaBroker(server, port);
  }

  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the broker and waits until it has flushed its logs; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Embedded Kafka broker on {}:{} stopped", HOST, port);
  }

  /** One combined controller and broker; {@code voters} is the static quorum, {@code id@host:port,...}. */
  static Properties config(Path logDir, int nodeId, int port, int controllerPort, String voters) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // One node: every internal topic has one replica, or transactions (exactly-once) never start.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "6");
    return p;
  }

  private static void secure(Properties p, int port, int internalPort, int controllerPort) {
    p.put("listeners", "SASL_PLAINTEXT://" + HOST + ":" + port + ",INTERNAL://" + HOST + ":" + internalPort
        + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "SASL_PLAINTEXT://" + HOST + ":" + port + ",INTERNAL://" + HOST + ":" + internalPort);
    p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "INTERNAL");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
  }

  /** Writes {@code meta.properties} and the bootstrap metadata (with the SCRAM user) unless an earlier start did. */
  private static void formatIfNew(Path logDir, Properties config, String clusterId, ScramUser user) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path file = Files.createTempFile("beacon-kafka-format", ".properties");
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit;
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        config.store(out, null);
      }
      List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", file.toString()));
      if (user != null) {
        args.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + user.name() + ",password=" + user.password() + "]"));
      }
      exit = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(file);
    }
    if (exit != 0) {
      throw new IllegalStateException("cannot format Kafka data directory " + logDir + ": "
          + output.toString(StandardCharsets.UTF_8).strip());
    }
    LOG.info("Formatted Kafka data directory {} for cluster {}", logDir, clusterId);
  }

  static void requireFree(int port, String option) {
    try (ServerSocket socket = new ServerSocket()) {
      // As Kafka binds: connections of a previous run in TIME_WAIT do not make the port busy.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " on " + HOST + " is in use (is another Beacon or Kafka"
          + " running?); stop it, or choose another port with " + option + " N", e);
    }
  }

  /** A port that is free now; the caller binds it right after. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }
}
