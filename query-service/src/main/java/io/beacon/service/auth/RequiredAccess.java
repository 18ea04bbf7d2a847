package io.beacon.service.auth;

import io.micronaut.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What a request needs, decided from its method and path before any controller runs, so a
 * refused request learns nothing about the data (not even whether an advertiser exists).
 * Anything not listed needs {@code admin}.
 *
 * @param route the route template, for metrics and logs
 * @param advertiser the advertiser an {@link Kind#ADVERTISER} route reads
 */
record RequiredAccess(Kind kind, String route, String advertiser) {

  enum Kind {
    /** Health, metrics, API docs, the dashboard page and its assets (the page asks for a key itself). */
    PUBLIC,
    /** The event collector: open unless BEACON_COLLECTOR_REQUIRES_KEY, always rate-limited. */
    COLLECTOR,
    /** Searches over advertisers and the catalog: any valid key; answers hold only what the key may read. */
    DIRECTORY,
    /** Reads of one advertiser: its scope, read:all or admin. */
    ADVERTISER,
    /**
     * Reads about one catalog product: any valid key here; the controller then needs the scope of
     * the product's advertiser, read:all or admin, which only the catalog knows.
     */
    PRODUCT,
    /**
     * A prediction for the advertiser its body names: any valid key here; the controller then needs
     * that advertiser's scope, read:all or admin.
     */
    PREDICT,
    /** Figures across every advertiser: read:all or admin. */
    READ_ALL,
    /** Calls between instances: the peer secret. */
    PEER,
    ADMIN
  }

  static RequiredAccess of(HttpMethod method, String path) {
    String[] s = segments(path);
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (s.length >= 1 && (s[0].equals("health") || s[0].equals("prometheus") || s[0].equals("openapi")
        || s[0].equals("swagger") || s[0].equals("swagger-ui"))) {
      return new RequiredAccess(Kind.PUBLIC, "/" + s[0], null);
    }
    if (read && (s.length == 0 || s[0].equals("ui"))) {
      return new RequiredAccess(Kind.PUBLIC, s.length == 0 ? "/" : "/ui", null);
    }
    if (read && s.length == 2 && s[0].equals("v1") && (s[1].equals("advertisers") || s[1].equals("products"))) {
      return new RequiredAccess(Kind.DIRECTORY, "/v1/" + s[1], null);
    }
    if (s.length >= 1 && s[0].equals("internal")) {
      return new RequiredAccess(Kind.PEER, "/internal", null);
    }
    if (s.length == 2 && s[0].equals("v1") && (s[1].equals("events") || s[1].equals("backfill"))) {
      return new RequiredAccess(Kind.COLLECTOR, "/v1/" + s[1], null);
    }
    if (s.length == 1 && s[0].equals("px")) {
      return new RequiredAccess(Kind.COLLECTOR, "/px", null);
    }
    if (read && s.length >= 3 && s[0].equals("v1") && s[1].equals("advertisers")) {
      String route = "/v1/advertisers/{adv}" + (s.length == 3 ? "" : "/" + known(s[3], "recommendations", "stats", "history", "users", "products"));
      return new RequiredAccess(Kind.ADVERTISER, route, s[2]);
    }
    if (read && s.length == 4 && s[0].equals("v1") && s[1].equals("products") && s[3].equals("similar")) {
      return new RequiredAccess(Kind.PRODUCT, "/v1/products/{id}/similar", null);
    }
    if (method == HttpMethod.POST && s.length == 2 && s[0].equals("v1") && s[1].equals("predict")) {
      return new RequiredAccess(Kind.PREDICT, "/v1/predict", null);
    }
    if (read && s.length >= 2 && s[0].equals("v1") && s[1].equals("models")) {
      return new RequiredAccess(Kind.READ_ALL, s.length == 2 ? "/v1/models" : "/v1/models/{name}/versions", null);
    }
    if (read && s.length == 2 && s[0].equals("recommendations")) {
      return new RequiredAccess(Kind.PRODUCT, "/recommendations/{id}", null);
    }
    if (read && s.length >= 2 && (s[0].equals("recommendations") || s[0].equals("history"))) {
      return new RequiredAccess(Kind.ADVERTISER, "/" + s[0] + "/{adv}", s[1]);
    }
    String route = switch (String.join("/", s.length > 2 ? java.util.Arrays.copyOf(s, 2) : s)) {
      case "v1/advertisers" -> "/v1/advertisers/{adv}";
      case "v1/products" -> "/v1/products/{id}";
      case "v1/stats" -> "/v1/stats";
      case "v1/models" -> "/v1/models/{name}/champion";
      case "stats" -> "/stats";
      default -> "other";
    };
    return new RequiredAccess(Kind.ADMIN, route, null);
  }

  private static String known(String segment, String... names) {
    for (String name : names) {
      if (name.equals(segment)) {
        return name;
      }
    }
    return "other";
  }

  /**
   * Path segments, percent-decoded as the router decodes path variables ({@code +} stays a plus).
   * Asked on every request: no regex, and a segment without {@code %} is taken as it is.
   */
  private static String[] segments(String path) {
    int start = 0;
    while (start < path.length() && path.charAt(start) == '/') {
      start++;
    }
    String[] raw = path.substring(start).split("/");
    if (raw.length == 1 && raw[0].isEmpty()) {
      return new String[0];
    }
    for (int i = 0; i < raw.length; i++) {
      if (raw[i].indexOf('%') >= 0) {
        try {
          raw[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          // Not valid percent-encoding: kept as sent, as the router keeps it.
        }
      }
    }
    return raw;
  }
}
