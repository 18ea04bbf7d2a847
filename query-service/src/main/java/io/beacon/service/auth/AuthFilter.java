package io.beacon.service.auth;

import io.beacon.service.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every request against {@link RequiredAccess}: who is calling (an API key when auth is on,
 * or another instance with the {@link PeerSecret}) and whether that key may do this; rate-limits
 * the collector per client. Refusals are
 * problem+json (401 with {@code WWW-Authenticate}, 403, 429 with {@code Retry-After}), logged with
 * the route and client address but never the key, and counted in {@code beacon_http_denied_total}.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
final class AuthFilter {

  private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);

  private final ApiKeys keys;
  private final PeerSecret peerSecret;
  private final AuthSettings settings;
  private final RateLimiter collectorLimit;
  private final MeterRegistry metrics;

  AuthFilter(ApiKeys keys, PeerSecret peerSecret, AuthSettings settings, MeterRegistry metrics,
      @Value("${beacon.collector.rate-limit-per-second}") double collectorRequestsPerSecond) {
    this.keys = keys;
    this.peerSecret = peerSecret;
    this.settings = settings;
    this.metrics = metrics;
    this.collectorLimit = new RateLimiter(collectorRequestsPerSecond);
  }

  @RequestFilter
  @Nullable
  HttpResponse<?> check(HttpRequest<?> request) {
    RequiredAccess access = RequiredAccess.of(request.getMethod(), request.getPath());
    if (access.kind() == RequiredAccess.Kind.PUBLIC || peerSecret.presentedBy(request)) {
      // A peer forwards a query it has already authorized, or makes an internal call.
      return null;
    }
    if (access.kind() == RequiredAccess.Kind.PEER) {
      return peerSecret.configured() || keys.enabled()
          ? deny(request, access, HttpStatus.UNAUTHORIZED, "internal endpoint: only other Beacon instances may call it")
          : null;
    }
    boolean keyNeeded = keys.enabled()
        && (access.kind() != RequiredAccess.Kind.COLLECTOR || settings.collectorRequiresKey());
    ApiKey key = null;
    if (keyNeeded) {
      Optional<String> presented = bearer(request);
      if (presented.isEmpty()) {
        return deny(request, access, HttpStatus.UNAUTHORIZED, "no API key: send 'Authorization: Bearer <key>'");
      }
      key = keys.authenticate(presented.get()).orElse(null);
      if (key == null) {
        return deny(request, access, HttpStatus.UNAUTHORIZED, "the API key is unknown or revoked");
      }
      CallerKey.set(request, key);
    }
    if (access.kind() == RequiredAccess.Kind.COLLECTOR) {
      String client = key != null ? "key:" + key.id() : "ip:" + request.getRemoteAddress().getAddress().getHostAddress();
      if (!collectorLimit.tryAcquire(client)) {
        return deny(request, access, HttpStatus.TOO_MANY_REQUESTS, "more than the allowed requests per second from this client");
      }
      // Which advertisers a key may write for is checked per event, once the body is read.
      return null;
    }
    if (key == null || access.kind() == RequiredAccess.Kind.DIRECTORY || access.kind() == RequiredAccess.Kind.PRODUCT
        || access.kind() == RequiredAccess.Kind.PREDICT) {
      return null; // auth off, a search that answers only what the key may read, or the controller checks
    }
    Scope needed = switch (access.kind()) {
      case ADVERTISER -> new Scope.Advertiser(access.advertiser());
      case READ_ALL -> new Scope.ReadAll();
      default -> new Scope.Admin();
    };
    if (!key.allows(needed)) {
      return deny(request, access, HttpStatus.FORBIDDEN, "this API key ('" + key.name() + "') does not have scope " + needed);
    }
    return null;
  }

  private MutableHttpResponse<Problem> deny(HttpRequest<?> request, RequiredAccess access, HttpStatus status, String detail) {
    metrics.counter("beacon.http.denied", "status", String.valueOf(status.getCode()), "route", access.route()).increment();
    MutableHttpResponse<Problem> response = HttpResponse.<Problem>status(status)
        .contentType(Problem.MEDIA_TYPE)
        .body(new Problem(status.getReason(), status.getCode(), detail, List.of()));
    if (status == HttpStatus.UNAUTHORIZED) {
      response.header("WWW-Authenticate", "Bearer realm=\"beacon\"");
      LOG.warn("401 {} {} from {}: {}", request.getMethod(), access.route(), request.getRemoteAddress().getAddress().getHostAddress(), detail);
    } else if (status == HttpStatus.FORBIDDEN) {
      LOG.atWarn().addKeyValue("advertiser_id", access.advertiser())
          .log("403 {} {} from {}: {}", request.getMethod(), request.getPath(), request.getRemoteAddress().getAddress().getHostAddress(), detail);
    } else {
      response.header("Retry-After", "1");
    }
    return response;
  }

  private static Optional<String> bearer(HttpRequest<?> request) {
    String header = request.getHeaders().get("Authorization");
    if (header == null || header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return Optional.empty();
    }
    String key = header.substring(7).strip();
    return key.isEmpty() ? Optional.empty() : Optional.of(key);
  }
}
