package io.beacon.service.auth;

import io.beacon.service.problem.ProblemException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.util.List;

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
