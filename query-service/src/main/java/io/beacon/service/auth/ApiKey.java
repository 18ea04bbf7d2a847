package io.beacon.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One API key as the keys file holds it: an id (public, used to find the key), a name, its scopes,
 * and a salted SHA-256 of its secret. The secret itself is never stored. A client presents
 * {@code bcn_<id>_<secret>}.
 */
public record ApiKey(String id, String name, Set<Scope> scopes, byte[] salt, byte[] hash) {

  static final String PREFIX = "bcn_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new key: the value to hand to the client once, and the line for the keys file. */
  public record Minted(String key, String line) {}

  public static Minted mint(String name, List<Scope> scopes) {
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("--name must be 1-64 letters, digits, '.', '_' or '-', was '" + name + "'");
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("give at least one --scope: advertiser:{id}, read:all or admin");
    }
    String id = HexFormat.of().formatHex(random(5));
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
    byte[] salt = random(16);
    String line = id + " " + name + " " + scopes.stream().map(Scope::toString).collect(Collectors.joining(","))
        + " sha256:" + b64(salt) + ":" + b64(digest(salt, secret));
    return new Minted(PREFIX + id + "_" + secret, line);
  }

  /** Whether {@code secret} is this key's, in time that does not depend on where they differ. */
  boolean matches(String secret) {
    return MessageDigest.isEqual(hash, digest(salt, secret));
  }

  boolean allows(Scope needed) {
    if (scopes.contains(new Scope.Admin())) {
      return true;
    }
    if (needed instanceof Scope.Advertiser && scopes.contains(new Scope.ReadAll())) {
      return true;
    }
    return scopes.contains(needed);
  }

  /** The advertisers the key may read; empty when it may read all (read:all, admin). */
  Optional<Set<String>> readableAdvertisers() {
    if (scopes.contains(new Scope.Admin()) || scopes.contains(new Scope.ReadAll())) {
      return Optional.empty();
    }
    Set<String> ids = new HashSet<>();
    scopes.forEach(scope -> {
      if (scope instanceof Scope.Advertiser advertiser) {
        ids.add(advertiser.id());
      }
    });
    return Optional.of(Set.copyOf(ids));
  }

  /** Whether the key may send events of {@code advertiserId}: read:all only reads. */
  boolean mayWriteFor(String advertiserId) {
    return scopes.contains(new Scope.Admin()) || scopes.contains(new Scope.Advertiser(advertiserId));
  }

  static byte[] digest(byte[] salt, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static byte[] random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return value;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }
}
