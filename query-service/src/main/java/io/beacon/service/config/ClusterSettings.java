package io.beacon.service.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The {@code beacon.cluster.*} block, for running several instances against one Kafka cluster.
 *
 * @param applicationServer this instance's {@code host:port} as the other instances reach its HTTP
 *     API ({@code BEACON_APPLICATION_SERVER}); unset means a single instance
 * @param standbyReplicas standby copies of each state partition kept on other instances, so a
 *     query is answered while the active copy restores or its instance is gone
 * @param peerSecret shared by the instances to authenticate forwarded queries ({@code BEACON_PEER_SECRET})
 */
@ConfigurationProperties("beacon.cluster")
public record ClusterSettings(@Nullable String applicationServer, int standbyReplicas, @Nullable String peerSecret) {

  /** This instance's address, or empty when it runs alone. */
  public Optional<HostInfo> self() {
    if (applicationServer == null || applicationServer.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(HostInfo.buildFromEndpoint(applicationServer.strip()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("BEACON_APPLICATION_SERVER (beacon.cluster.application-server) must be host:port,"
          + " was '" + applicationServer + "'", e);
    }
  }
}
