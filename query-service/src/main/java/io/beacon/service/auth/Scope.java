package io.beacon.service.auth;

import io.beacon.streams.EventRules;

/**
 * What a key may do: {@code advertiser:{id}} reads (and, where the collector asks for keys, writes)
 * one advertiser; {@code read:all} reads every advertiser; {@code admin} does everything.
 */
public sealed interface Scope {

  record Advertiser(String id) implements Scope {
    @Override
    public String toString() {
      return "advertiser:" + id;
    }
  }

  record ReadAll() implements Scope {
    @Override
    public String toString() {
      return "read:all";
    }
  }

  record Admin() implements Scope {
    @Override
    public String toString() {
      return "admin";
    }
  }

  /** @throws IllegalArgumentException saying which scopes exist */
  static Scope parse(String text) {
    if (text.equals("admin")) {
      return new Admin();
    }
    if (text.equals("read:all")) {
      return new ReadAll();
    }
    if (text.startsWith("advertiser:")) {
      String id = text.substring("advertiser:".length());
      EventRules.idProblem(id).ifPresent(reason -> {
        throw new IllegalArgumentException("scope '" + text + "': advertiser id " + reason);
      });
      // The keys file separates scopes with commas and fields with blanks, and # starts a comment:
      // an id holding one could smuggle in another scope.
      if (id.chars().anyMatch(c -> c == ',' || c == '#' || Character.isWhitespace(c))) {
        throw new IllegalArgumentException("scope '" + text + "': an advertiser id in a key's scope may not contain ',', '#' or blanks");
      }
      return new Advertiser(id);
    }
    throw new IllegalArgumentException("unknown scope '" + text + "'; scopes are advertiser:{id}, read:all, admin");
  }
}
