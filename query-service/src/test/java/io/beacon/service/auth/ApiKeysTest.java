package io.beacon.service.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

  @Test
  void aMintedKeyAuthenticatesFromItsLineAndNothingElseDoes() {
    ApiKey.Minted minted = ApiKey.mint("bidder-1", List.of(Scope.parse("advertiser:acme"), Scope.parse("advertiser:nordic")));
    assertFalse(minted.line().contains(minted.key().substring(minted.key().indexOf('_', 4) + 1)), "the secret must not be in the file");
    Map<String, ApiKey> keys = ApiKeys.parse(List.of("# comment", "", minted.line()));
    ApiKey key = keys.values().iterator().next();
    String secret = minted.key().substring(minted.key().indexOf('_', 4) + 1);
    assertTrue(key.matches(secret));
    assertFalse(key.matches(secret + "x"));
    assertFalse(key.matches(""));
    assertEquals("bidder-1", key.name());
    assertTrue(key.allows(new Scope.Advertiser("acme")));
    assertFalse(key.allows(new Scope.Advertiser("city-bikes")));
    assertFalse(key.allows(new Scope.Admin()));
  }

  @Test
  void scopesGrantWhatTheySay() {
    ApiKey readAll = ApiKeys.parse(List.of(ApiKey.mint("dash", List.of(new Scope.ReadAll())).line())).values().iterator().next();
    assertTrue(readAll.allows(new Scope.Advertiser("anyone")));
    assertFalse(readAll.allows(new Scope.Admin()));
    assertFalse(readAll.mayWriteFor("anyone"), "read:all only reads");
    ApiKey admin = ApiKeys.parse(List.of(ApiKey.mint("ops", List.of(new Scope.Admin())).line())).values().iterator().next();
    assertTrue(admin.allows(new Scope.Admin()) && admin.allows(new Scope.Advertiser("x")) && admin.mayWriteFor("x"));
  }

  @Test
  void aBadLineIsReportedByNumber() {
    String good = ApiKey.mint("a", List.of(new Scope.Admin())).line();
    assertEquals("line 2: expected '<id> <name> <scopes> sha256:<salt>:<hash>', found 2 fields",
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(List.of(good, "abc def"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(List.of("id n owner sha256:AA:BB"))).getMessage()
        .contains("unknown scope 'owner'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(List.of(good, good))).getMessage()
        .contains("appears twice"));
    assertThrows(IllegalArgumentException.class, () -> ApiKey.mint("has space", List.of(new Scope.Admin())));
    assertThrows(IllegalArgumentException.class, () -> ApiKey.mint("nobody", List.of()));
  }

  @Test
  void anAdvertiserIdCannotSmuggleAScopeIntoTheKeysFile() {
    for (String scope : List.of("advertiser:acme,admin", "advertiser:a b", "advertiser:a#b")) {
      assertThrows(IllegalArgumentException.class, () -> Scope.parse(scope), scope);
    }
  }

  @Test
  void aBrokenEditStillRevokesTheKeysItNoLongerListsAndADeletedFileRevokesAll(@TempDir Path dir) throws Exception {
    ApiKey.Minted keep = ApiKey.mint("keep", List.of(new Scope.Admin()));
    ApiKey.Minted drop = ApiKey.mint("drop", List.of(new Scope.Admin()));
    Path file = Files.writeString(dir.resolve("keys"), keep.line() + "\n" + drop.line() + "\n");
    ApiKeys keys = new ApiKeys(new AuthSettings(file.toString(), true, false));
    assertTrue(keys.authenticate(drop.key()).isPresent());
    Files.writeString(file, keep.line() + "\nthis line is broken\n");
    Thread.sleep(1100); // the file is looked at once a second
    assertTrue(keys.authenticate(drop.key()).isEmpty(), "the removed key must be refused");
    assertTrue(keys.authenticate(keep.key()).isPresent(), "a broken line must not lock out the others");
    Files.delete(file);
    Thread.sleep(1100);
    assertTrue(keys.authenticate(keep.key()).isEmpty(), "without the file, no key is valid");
  }

  @Test
  void routesNeedWhatTheIssueSays() {
    assertEquals(new RequiredAccess(RequiredAccess.Kind.ADVERTISER, "/v1/advertisers/{adv}/recommendations", "acme"),
        RequiredAccess.of(HttpMethod.GET, "/v1/advertisers/acme/recommendations"));
    assertEquals("a/b", RequiredAccess.of(HttpMethod.GET, "/v1/advertisers/a%2Fb/stats").advertiser(), "decoded as the router decodes");
    assertEquals("a+b/c", RequiredAccess.of(HttpMethod.GET, "/v1/advertisers/a+b%2Fc/stats").advertiser(), "a plus stays a plus");
    assertEquals("a+b", RequiredAccess.of(HttpMethod.GET, "//v1/advertisers/a+b/stats").advertiser(), "leading slashes are one");
    assertEquals("a%zz", RequiredAccess.of(HttpMethod.GET, "/v1/advertisers/a%zz/stats").advertiser(), "bad encoding kept as sent");
    assertEquals(new RequiredAccess(RequiredAccess.Kind.ADVERTISER, "/recommendations/{adv}", "acme"),
        RequiredAccess.of(HttpMethod.GET, "/recommendations/acme/TopCTR"));
    assertEquals(new RequiredAccess(RequiredAccess.Kind.PRODUCT, "/recommendations/{id}", null),
        RequiredAccess.of(HttpMethod.GET, "/recommendations/p1"), "one segment: a product, whose advertiser the controller checks");
    assertEquals(new RequiredAccess(RequiredAccess.Kind.PRODUCT, "/v1/products/{id}/similar", null),
        RequiredAccess.of(HttpMethod.GET, "/v1/products/p1/similar"));
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.DELETE, "/v1/products/p1").kind());
    assertEquals(RequiredAccess.Kind.PREDICT, RequiredAccess.of(HttpMethod.POST, "/v1/predict").kind(),
        "the advertiser is in the body: the controller checks");
    assertEquals(RequiredAccess.Kind.READ_ALL, RequiredAccess.of(HttpMethod.GET, "/v1/models").kind());
    assertEquals(RequiredAccess.Kind.READ_ALL, RequiredAccess.of(HttpMethod.GET, "/v1/models/ftrl/versions").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.PUT, "/v1/models/ftrl/champion").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.DELETE, "/v1/models/ftrl/champion").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.PUT, "/v1/advertisers/acme").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.PUT, "/v1/products/p1").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.GET, "/v1/stats").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.GET, "/stats/").kind());
    assertEquals(RequiredAccess.Kind.ADMIN, RequiredAccess.of(HttpMethod.GET, "/anything/else").kind());
    assertEquals(RequiredAccess.Kind.COLLECTOR, RequiredAccess.of(HttpMethod.POST, "/v1/events").kind());
    assertEquals(RequiredAccess.Kind.COLLECTOR, RequiredAccess.of(HttpMethod.GET, "/px").kind());
    assertEquals(RequiredAccess.Kind.PUBLIC, RequiredAccess.of(HttpMethod.GET, "/health/readiness").kind());
    assertEquals(RequiredAccess.Kind.PUBLIC, RequiredAccess.of(HttpMethod.GET, "/prometheus").kind());
  }

  @Test
  void theRateLimiterAllowsABurstOfOneSecondThenRefuses() {
    RateLimiter limiter = new RateLimiter(10);
    for (int i = 0; i < 10; i++) {
      assertTrue(limiter.tryAcquire("c1"), "request " + i);
    }
    assertFalse(limiter.tryAcquire("c1"));
    assertTrue(limiter.tryAcquire("c2"), "clients have their own buckets");
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0.5), "a limit below 1 would refuse everything");
  }
}
