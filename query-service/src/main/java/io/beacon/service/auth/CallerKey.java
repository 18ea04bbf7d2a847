package io.beacon.service.auth;

import io.beacon.service.problem.ProblemException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The API key a request was authenticated with, kept on the request by {@link AuthFilter}. */
public final class CallerKey {

  private static final String ATTRIBUTE = "beacon.api-key";

  private CallerKey() {}

  static void set(HttpRequest<?> request, ApiKey key) {
    request.setAttribute(ATTRIBUTE, key);
  }

  /** Whether the request may read {@code advertiserId}'s figures: always when it came without a key (auth off). */
  public static boolean mayRead(HttpRequest<?> request, String advertiserId) {
    return request.getAttribute(ATTRIBUTE, ApiKey.class).map(key -> key.allows(new Scope.Advertiser(advertiserId))).orElse(true);
  }

  /** The advertisers the request may read; empty when it may read all (read:all, admin, or no key with auth off). */
  public static Optional<Set<String>> readableAdvertisers(HttpRequest<?> request) {
    return request.getAttribute(ATTRIBUTE, ApiKey.class).flatMap(ApiKey::readableAdvertisers);
  }

  /** Refuses with 403, naming the scope needed, when the request may not read {@code advertiserId}. */
  public static void requireReadOf(HttpRequest<?> request, String advertiserId) {
    request.getAttribute(ATTRIBUTE, ApiKey.class).ifPresent(key -> {
      if (!key.allows(new Scope.Advertiser(advertiserId))) {
        throw new ProblemException(HttpStatus.FORBIDDEN, "Forbidden", "this API key ('" + key.name()
            + "') may not read advertiser " + advertiserId + "; that needs scope advertiser:" + advertiserId
            + ", read:all or admin", List.of(), null);
      }
    });
  }

  /**
   * Refuses with 403 when the request came with a key that may not send events of {@code advertiserId}.
   * Without a key (auth off, or an open collector) there is nothing to check.
   */
  public static void requireWriteFor(HttpRequest<?> request, String advertiserId) {
    request.getAttribute(ATTRIBUTE, ApiKey.class).ifPresent(key -> {
      if (!key.mayWriteFor(advertiserId)) {
        throw new ProblemException(HttpStatus.FORBIDDEN, "Forbidden", "this API key ('" + key.name()
            + "') may not send events of advertiser " + advertiserId + "; that needs scope advertiser:" + advertiserId
            + " or admin", List.of(), null);
      }
    });
  }
}
