package io.beacon.service.routing;

import io.beacon.service.auth.ApiKeys;
import io.beacon.service.auth.PeerSecret;
import io.beacon.service.config.InstanceAddress;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
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
  private final boolean keysEnabled;
  private final PeerSecret secret;
  /**
   * Micronaut's client runs on the server's own event loops, so a forwarded query holds no thread
   * while the peer answers (BENCHMARKS.md: p99 3.1× local with a blocking client, 1.75× with this).
   */
  private final HttpClient http;

  Peers(InstanceAddress address, PeerSecret secret, ApiKeys keys, HttpClient http) {
    this.self = address.toString();
    this.secret = secret;
    this.keysEnabled = keys.enabled();
    this.http = http;
  }

  /** This instance's {@code host:port}, as the others and Kafka Streams' metadata name it. */
  public String self() {
    return self;
  }

  /**
   * Why this instance cannot forward a query to another, or empty when it can: with API keys on, a
   * peer believes a forwarded query only with the peer secret.
   */
  public Optional<String> forwardingProblem() {
    return keysEnabled && !secret.configured()
        ? Optional.of("forwarding a query to the instance that holds it needs BEACON_PEER_SECRET (beacon.cluster.peer-secret),"
            + " the same on every instance, since API keys are on")
        : Optional.empty();
  }

  /** The copy a peer asked this instance to answer from, when the request really comes from a peer. */
  public Optional<String> forwardedMode(HttpRequest<?> request) {
    String mode = request.getHeaders().get(FORWARDED);
    if (mode == null || !(mode.equals("active") || mode.equals("standby"))) {
      return Optional.empty();
    }
    return secret.configured() && !secret.presentedBy(request) ? Optional.empty() : Optional.of(mode);
  }

  /** The peer's answer to the same GET, or empty when it did not answer; does not block. */
  CompletableFuture<Optional<MutableHttpResponse<byte[]>>> forward(String peer, HttpRequest<?> request, String mode) {
    return send(peer, request.getUri().toString(), mode);
  }

  /** The peer's answer to an internal GET, or empty when it did not answer; blocks the calling thread. */
  public Optional<MutableHttpResponse<byte[]>> get(String peer, String path) {
    return send(peer, path, null).join();
  }

  private CompletableFuture<Optional<MutableHttpResponse<byte[]>>> send(String peer, String pathAndQuery, String mode) {
    MutableHttpRequest<?> call = HttpRequest.GET("http://" + peer + pathAndQuery).accept(MediaType.APPLICATION_JSON_TYPE);
    if (mode != null) {
      call.header(FORWARDED, mode);
    }
    if (secret.configured()) {
      call.header(PeerSecret.HEADER, secret.value());
    }
    CompletableFuture<Optional<MutableHttpResponse<byte[]>>> answer = new CompletableFuture<>();
    http.exchange(call, byte[].class).subscribe(new Subscriber<HttpResponse<byte[]>>() {
      @Override
      public void onSubscribe(Subscription subscription) {
        subscription.request(1);
      }

      @Override
      public void onNext(HttpResponse<byte[]> response) {
        answer.complete(Optional.of(passedBack(response)));
      }

      @Override
      public void onError(Throwable error) {
        if (error instanceof HttpClientResponseException status) {
          answer.complete(Optional.of(passedBack(status.getResponse()))); // 4xx and 5xx: still the peer's answer
        } else {
          LOG.debug("peer {} did not answer {}: {}", peer, pathAndQuery, error.toString());
          answer.complete(Optional.empty());
        }
      }

      @Override
      public void onComplete() {
        answer.complete(Optional.empty());
      }
    });
    return answer.completeOnTimeout(Optional.empty(), TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static MutableHttpResponse<byte[]> passedBack(HttpResponse<?> answer) {
    MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(answer.getStatus())
        .body(answer.getBody(byte[].class).orElse(new byte[0]));
    for (String header : PASSED_BACK) {
      String value = answer.getHeaders().get(header);
      if (value != null) {
        response.header(header, value);
      }
    }
    return response;
  }
}
