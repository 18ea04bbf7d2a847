package io.beacon.kafka.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.StringJoiner;
import org.apache.kafka.common.Uuid;

/**
 * Several combined KRaft nodes in this JVM that can be stopped and started again one at a time, as
 * brokers fail and come back: each node keeps its directory, ports and place in the static quorum.
 * With three nodes, topics get three replicas and {@code min.insync.replicas=2}, so one node may be
 * down while producers with {@code acks=all} and exactly-once transactions carry on.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private final Path dataDir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int[] ports;
  private final int[] controllerPorts;
  private final String voters;
  private final EmbeddedKafkaBroker[] nodes;

  private EmbeddedKafkaCluster(Path dataDir, int size) {
    this.dataDir = dataDir;
    this.ports = new int[size];
    this.controllerPorts = new int[size];
    StringJoiner voters = new StringJoiner(",");
    for (int i = 0; i < size; i++) {
      ports[i] = EmbeddedKafkaBroker.freePort();
      controllerPorts[i] = EmbeddedKafkaBroker.freePort();
      voters.add((i + 1) + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPorts[i]);
    }
    this.voters = voters.toString();
    this.nodes = new EmbeddedKafkaBroker[size];
  }

  /** Starts {@code size} nodes (1 or at least 3) with data under {@code dataDir}. */
  public static EmbeddedKafkaCluster start(Path dataDir, int size) {
    if (size != 1 && size < 3) {
      throw new IllegalArgumentException("a KRaft quorum that survives a lost node needs 3 nodes; asked for " + size);
    }
    EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(dataDir, size);
    // Every voter must be up before any node's startup finishes: start them side by side.
    List<Runnable> starts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int node = i;
      starts.add(() -> cluster.startNode(node));
    }
    List<RuntimeException> failures = together("start", starts);
    if (Thread.currentThread().isInterrupted()) {
      cluster.close();
      throw new IllegalStateException("interrupted while starting the cluster");
    }
    if (!failures.isEmpty()) {
      cluster.close();
      throw failures.get(0);
    }
    return cluster;
  }

  public String bootstrapServers() {
    StringJoiner servers = new StringJoiner(",");
    for (int port : ports) {
      servers.add(EmbeddedKafkaBroker.HOST + ":" + port);
    }
    return servers.toString();
  }

  public int size() {
    return nodes.length;
  }

  /** Stops node {@code node} (0-based) as a broker that goes away; its data stays. */
  public synchronized void stop(int node) {
    if (nodes[node] != null) {
      nodes[node].close();
      nodes[node] = null;
    }
  }

  /** Starts a stopped node again on its directory and ports. */
  public synchronized void restart(int node) {
    if (nodes[node] == null) {
      startNode(node);
    }
  }

  private void startNode(int node) {
    Properties config = EmbeddedKafkaBroker.config(dataDir.resolve("node-" + (node + 1)).toAbsolutePath(), node + 1,
        ports[node], controllerPorts[node], voters);
    String replicas = String.valueOf(Math.min(3, nodes.length));
    String minInSync = nodes.length >= 3 ? "2" : "1";
    config.put("offsets.topic.replication.factor", replicas);
    config.put("transaction.state.log.replication.factor", replicas);
    config.put("transaction.state.log.min.isr", minInSync);
    config.put("default.replication.factor", replicas);
    config.put("min.insync.replicas", minInSync);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.run(dataDir.resolve("node-" + (node + 1)).toAbsolutePath(), config,
        clusterId, null, ports[node]);
    synchronized (this) {
      nodes[node] = broker;
    }
  }

  /** Stops every node at once: one by one, the last would wait for a quorum that is gone. */
  @Override
  public synchronized void close() {
    List<Runnable> stops = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        stops.add(nodes[i]::close);
        nodes[i] = null;
      }
    }
    together("stop", stops);
  }

  /**
   * Runs the actions on threads of their own and waits for all of them; the failures they threw.
   * If this thread is interrupted it stops waiting and keeps its interrupt flag.
   */
  private static List<RuntimeException> together(String action, List<Runnable> actions) {
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      Runnable runnable = actions.get(i);
      Thread thread = new Thread(() -> {
        try {
          runnable.run();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, "kafka-node-" + action + "-" + (i + 1));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return failures;
  }
}
