package io.beacon.service.auth;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys from {@code BEACON_AUTH_KEYS_FILE}, read at start (a missing or malformed file stops
 * the start) and again whenever the file changes, so keys are added and revoked without a restart.
 *
 * <p>The file has one key per line, {@code <id> <name> <scope>[,<scope>...] sha256:<salt>:<hash>},
 * as {@code beacon keys mint} prints it; {@code #} starts a comment. Delete a line to revoke a key.
 */
@Context
public final class ApiKeys {

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  private static final long RECHECK_NANOS = 1_000_000_000L;
  /** Compared against when the id is unknown, so unknown ids take as long as wrong secrets. */
  private static final ApiKey NOBODY = new ApiKey("", "", Set.of(), new byte[16], new byte[32]);

  private final Path file;
  private volatile Map<String, ApiKey> keys = Map.of();
  private volatile String loadedVersion;
  private volatile long lastCheck;

  ApiKeys(AuthSettings settings) {
    String keysFile = settings.keysFile();
    if (keysFile == null || keysFile.isBlank()) {
      if (settings.require()) {
        throw new ConfigurationException("BEACON_REQUIRE_AUTH=true but BEACON_AUTH_KEYS_FILE is not set: "
            + "mint a key with './beacon keys mint --scope admin' and point BEACON_AUTH_KEYS_FILE at the keys file");
      }
      this.file = null;
      LOG.warn("AUTH IS OFF: every endpoint answers anyone who can reach this port. "
          + "Set BEACON_AUTH_KEYS_FILE to require API keys (and BEACON_REQUIRE_AUTH=true in production).");
      return;
    }
    this.file = Path.of(keysFile);
    try {
      reload();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException("BEACON_AUTH_KEYS_FILE=" + keysFile + " cannot be used: " + e.getMessage(), e);
    }
    LOG.info("auth is on: {} API keys from {}", keys.size(), file);
  }

  public boolean enabled() {
    return file != null;
  }

  /** The key a client presented ({@code bcn_<id>_<secret>}), or empty when it is unknown, revoked or wrong. */
  public Optional<ApiKey> authenticate(String presented) {
    refreshIfChanged();
    String id = "";
    String secret = "";
    if (presented.startsWith(ApiKey.PREFIX)) {
      int split = presented.indexOf('_', ApiKey.PREFIX.length());
      if (split > 0) {
        id = presented.substring(ApiKey.PREFIX.length(), split);
        secret = presented.substring(split + 1);
      }
    }
    ApiKey key = keys.get(id);
    boolean matches = (key != null ? key : NOBODY).matches(secret);
    return key != null && matches ? Optional.of(key) : Optional.empty();
  }

  private void refreshIfChanged() {
    long now = System.nanoTime();
    if (now - lastCheck < RECHECK_NANOS) {
      return;
    }
    lastCheck = now;
    try {
      if (!version(file).equals(loadedVersion)) {
        reload();
        LOG.info("keys file {} changed: {} API keys now", file, keys.size());
      }
    } catch (NoSuchFileException e) {
      keys = Map.of(); // fail closed: a deleted keys file revokes every key
      LOG.error("keys file {} is gone: every API key is refused until it is back", file);
    } catch (IOException | IllegalArgumentException e) {
      // A broken edit must not lock every client out, nor keep a key its line no longer names.
      keys = stillListed(keys, file);
      LOG.error("keys file {} could not be reloaded ({}); keeping the {} earlier keys it still lists", file, e.getMessage(), keys.size());
    }
  }

  private synchronized void reload() throws IOException {
    String version = version(file);
    keys = parse(Files.readAllLines(file));
    loadedVersion = version;
  }

  /** Modification time and size: two edits within one timestamp tick rarely keep the size too. */
  private static String version(Path file) throws IOException {
    return Files.getLastModifiedTime(file) + "/" + Files.size(file);
  }

  private static Map<String, ApiKey> stillListed(Map<String, ApiKey> keys, Path file) {
    try {
      Set<String> ids = new java.util.HashSet<>();
      for (String line : Files.readAllLines(file)) {
        String stripped = line.strip();
        if (!stripped.startsWith("#") && !stripped.isEmpty()) {
          ids.add(stripped.split("\\s+")[0]);
        }
      }
      Map<String, ApiKey> kept = new HashMap<>(keys);
      kept.keySet().retainAll(ids);
      return Map.copyOf(kept);
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** @throws IllegalArgumentException naming the line that is wrong */
  static Map<String, ApiKey> parse(List<String> lines) {
    Map<String, ApiKey> keys = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        ApiKey key = parseLine(line);
        if (keys.putIfAbsent(key.id(), key) != null) {
          throw new IllegalArgumentException("key id " + key.id() + " appears twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(keys);
  }

  private static ApiKey parseLine(String line) {
    String[] fields = line.split("\\s+");
    if (fields.length != 4) {
      throw new IllegalArgumentException("expected '<id> <name> <scopes> sha256:<salt>:<hash>', found " + fields.length + " fields");
    }
    Set<Scope> scopes = new LinkedHashSet<>();
    for (String scope : fields[2].split(",")) {
      scopes.add(Scope.parse(scope));
    }
    String[] hash = fields[3].split(":");
    if (hash.length != 3 || !hash[0].equals("sha256")) {
      throw new IllegalArgumentException("the hash must read sha256:<salt>:<hash>");
    }
    Base64.Decoder base64 = Base64.getDecoder();
    return new ApiKey(fields[0], fields[1], Set.copyOf(scopes), base64.decode(hash[1]), base64.decode(hash[2]));
  }
}
