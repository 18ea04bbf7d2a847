package io.beacon.service.config;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * This instance's {@code host:port} as the other instances reach its HTTP API. Kafka Streams shares
 * it with the group ({@code application.server}), so every instance knows where each advertiser's
 * state lives and forwards a query there: without it, an instance could only answer for its own
 * partitions. {@code BEACON_APPLICATION_SERVER} when set; otherwise this machine's host name (fully
 * qualified where DNS knows one) and the HTTP port, which serves several instances on one machine
 * and machines that resolve each other's names. Containers and NAT need it set.
 */
@Singleton
public final class InstanceAddress {

  private final HostInfo host;
  private final boolean configured;

  InstanceAddress(ClusterSettings cluster, @Value("${micronaut.server.port:8080}") int httpPort) {
    this.configured = cluster.applicationServer() != null && !cluster.applicationServer().isBlank();
    this.host = configured ? parse(cluster.applicationServer()) : derived(httpPort);
  }

  private static HostInfo parse(String applicationServer) {
    try {
      return HostInfo.buildFromEndpoint(applicationServer.strip());
    } catch (RuntimeException e) {
      throw new ConfigurationException("BEACON_APPLICATION_SERVER (beacon.cluster.application-server) must be host:port,"
          + " was '" + applicationServer + "'", e);
    }
  }

  private static HostInfo derived(int httpPort) {
    if (httpPort <= 0) {
      throw new ConfigurationException("BEACON_APPLICATION_SERVER (beacon.cluster.application-server) is not set and cannot be"
          + " derived: the HTTP port is chosen at random (micronaut.server.port " + httpPort + "). Set a fixed port"
          + " (--port, MICRONAUT_SERVER_PORT) or BEACON_APPLICATION_SERVER=host:port");
    }
    try {
      return new HostInfo(InetAddress.getLocalHost().getCanonicalHostName(), httpPort);
    } catch (UnknownHostException e) {
      throw new ConfigurationException("BEACON_APPLICATION_SERVER (beacon.cluster.application-server) is not set and this"
          + " machine's host name does not resolve (" + e.getMessage() + "): set BEACON_APPLICATION_SERVER=host:port", e);
    }
  }

  public HostInfo hostInfo() {
    return host;
  }

  /** {@code host:port}, as Kafka Streams' metadata names the instances. */
  @Override
  public String toString() {
    return host.host() + ":" + host.port();
  }

  /** Whether {@code BEACON_APPLICATION_SERVER} set it, rather than the host name and port. */
  public boolean configured() {
    return configured;
  }
}
