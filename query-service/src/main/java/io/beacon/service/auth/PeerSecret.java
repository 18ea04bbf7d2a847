package io.beacon.service.auth;

import io.beacon.service.config.ClusterSettings;
import io.beacon.service.config.InstanceAddress;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The secret instances share ({@code BEACON_PEER_SECRET}) so that a forwarded query or an internal
 * call is believed only when it comes from a peer: a client cannot skip its scopes by calling as if
 * it were one. Required when several instances run with auth on.
 */
@Context
public final class PeerSecret {

  public static final String HEADER = "X-Beacon-Peer-Secret";

  private final byte[] secret;

  PeerSecret(ClusterSettings cluster, InstanceAddress address, ApiKeys keys) {
    String value = cluster.peerSecret();
    if (value == null || value.isBlank()) {
      // Set explicitly, the address says several instances are meant; otherwise a query that needs
      // another instance is answered 503, naming this setting (Peers.forwardingProblem).
      if (keys.enabled() && address.configured()) {
        throw new ConfigurationException("BEACON_PEER_SECRET is required when BEACON_APPLICATION_SERVER and "
            + "BEACON_AUTH_KEYS_FILE are set: instances authenticate forwarded queries with it");
      }
      this.secret = null;
    } else {
      if (value.length() < 16) {
        throw new ConfigurationException("BEACON_PEER_SECRET must be at least 16 characters");
      }
      this.secret = value.getBytes(StandardCharsets.UTF_8);
    }
  }

  public boolean configured() {
    return secret != null;
  }

  public String value() {
    return new String(secret, StandardCharsets.UTF_8);
  }

  /** Whether the request carries the secret (compared in constant time); false when none is configured. */
  public boolean presentedBy(HttpRequest<?> request) {
    String presented = request.getHeaders().get(HEADER);
    return secret != null && presented != null
        && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
  }
}
