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

  /** The name of the key the request came with, if any. */
  public static Optional<String> keyName(HttpRequest<?> request) {
    return request.getAttribute(ATTRIBUTE, ApiKey.class).map(ApiKey::name);
  }

  /** Whether the request may read {@code advertiserId}'s figures: always when it came without a key (auth off). */
  public static boolean mayRead(HttpRequest<?> request, String advertiserId) {
    return request.getAttribute(ATTRIBUTE, ApiKey.class).map(key -> key.allows(new Scope.Advertiser(advertiserId))).orElse(true);
  }

  /** The advertisers the request may read; empty when it may read all (read:all, admin, or no key with auth off). */
  public static Optional<Set<String>> readableAdvertisers(HttpRequest<?> request) {
    return request.getAttribute(ATTRIBUTE, ApiKey.class).flatMap(ApiKey::readableAdvertisers);
  }

  /**
   * Refuses with 403 when the request may not read the product: its advertiser is not among the
   * key's, or, for a key that does not read all, there is no such product ({@code advertiserId}
   * empty), so that a refusal does not tell whether another advertiser's product exists.
   */
  public static void requireReadOfProduct(HttpRequest<?> request, String productId, Optional<String> advertiserId) {
    request.getAttribute(ATTRIBUTE, ApiKey.class).ifPresent(key -> {
      boolean readsAll = key.readableAdvertisers().isEmpty();
      if (advertiserId.isPresent() ? !key.allows(new Scope.Advertiser(advertiserId.get())) : !readsAll) {
        throw new ProblemException(HttpStatus.FORBIDDEN, "Forbidden", "this API key ('" + key.name() + "') may not read product "
            + productId + "; that needs the scope of the product's advertiser, read:all or admin", List.of(), null);
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
