package io.beacon.service.routing;

import io.beacon.service.auth.PeerSecret;
import io.beacon.service.config.ClusterSettings;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other Beacon instances, as this one calls them: forwarded queries and internal calls, one
 * HTTP hop, authenticated with the {@link PeerSecret}. A peer that does not answer quickly counts
 * as down, so the caller can try a standby instead.
 */
@Singleton
public final class Peers {

  /** On a forwarded query: {@code active} or {@code standby}, the copy the peer should answer from. */
  public static final String FORWARDED = "X-Beacon-Forwarded";
  /** On every query answer: the instance whose state answered. */
  public static final String INSTANCE = "X-Beacon-Instance";
  /** On every query answer: {@code active} or {@code standby}, the copy of the state that answered. */
  public static final String COPY = "X-Beacon-Copy";
  /** On every query answer: records the answering copy is behind; 0 for an up-to-date active copy. */
  public static final String LAG = "X-Beacon-Lag";
  private static final List<String> PASSED_BACK = List.of("Content-Type", INSTANCE, COPY, LAG, "Retry-After");
  // A query answers in milliseconds; a peer silent for a second is treated as down, so a standby is tried.
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(Peers.class);

  private final String self;
  private final PeerSecret secret;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  Peers(ClusterSettings cluster, PeerSecret secret) {
    this.self = cluster.self().map(h -> h.host() + ":" + h.port()).orElse(null);
    this.secret = secret;
  }

  /** Whether several instances share the work. */
  public boolean clustered() {
    return self != null;
  }

  /** This instance's {@code host:port}, or "local" when it runs alone. */
  public String self() {
    return self == null ? "local" : self;
  }

  /** The copy a peer asked this instance to answer from, when the request really comes from a peer. */
  public Optional<String> forwardedMode(HttpRequest<?> request) {
    String mode = request.getHeaders().get(FORWARDED);
    if (mode == null || !(mode.equals("active") || mode.equals("standby"))) {
      return Optional.empty();
    }
    return secret.configured() && !secret.presentedBy(request) ? Optional.empty() : Optional.of(mode);
  }

  /** The peer's answer to the same GET, or empty when it did not answer. */
  Optional<MutableHttpResponse<byte[]>> forward(String peer, HttpRequest<?> request, String mode) {
    return send(peer, request.getUri().toString(), mode);
  }

  /** The peer's answer to an internal GET, or empty when it did not answer. */
  public Optional<MutableHttpResponse<byte[]>> get(String peer, String path) {
    return send(peer, path, null);
  }

  private Optional<MutableHttpResponse<byte[]>> send(String peer, String pathAndQuery, String mode) {
    java.net.http.HttpRequest.Builder call = java.net.http.HttpRequest.newBuilder(URI.create("http://" + peer + pathAndQuery))
        .timeout(TIMEOUT)
        .header("Accept", MediaType.APPLICATION_JSON)
        .GET();
    if (mode != null) {
      call.header(FORWARDED, mode);
    }
    if (secret.configured()) {
      call.header(PeerSecret.HEADER, secret.value());
    }
    try {
      java.net.http.HttpResponse<byte[]> answer = http.send(call.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(io.micronaut.http.HttpStatus.valueOf(answer.statusCode()))
          .body(answer.body());
      for (String header : PASSED_BACK) {
        answer.headers().firstValue(header).ifPresent(value -> response.header(header, value));
      }
      return Optional.of(response);
    } catch (IOException e) {
      LOG.debug("peer {} did not answer {}: {}", peer, pathAndQuery, e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
