package io.beacon.service.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The {@code beacon.cluster.*} block, for running several instances against one Kafka cluster.
 *
 * @param applicationServer this instance's {@code host:port} as the other instances reach its HTTP
 *     API ({@code BEACON_APPLICATION_SERVER}); unset means this machine's host name and the HTTP
 *     port ({@link InstanceAddress})
 * @param standbyReplicas standby copies of each state partition kept on other instances, so a
 *     query is answered while the active copy restores or its instance is gone
 * @param peerSecret shared by the instances to authenticate forwarded queries ({@code BEACON_PEER_SECRET})
 */
@ConfigurationProperties("beacon.cluster")
public record ClusterSettings(@Nullable String applicationServer, int standbyReplicas, @Nullable String peerSecret) {}
