package io.beacon.service.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client: {@code perSecond} requests a second, bursts up to one second's worth.
 * Buckets idle for a minute are dropped when the table grows, so memory stays bounded under many
 * clients.
 */
final class RateLimiter {

  private static final int MAX_CLIENTS = 100_000;
  private static final long IDLE_NANOS = 60_000_000_000L;

  private final double perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }
  }

  RateLimiter(double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("beacon.collector.rate-limit-per-second must be positive, was " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** Whether {@code client} may make one more request now. */
  boolean tryAcquire(String client) {
    long now = System.nanoTime();
    if (buckets.size() > MAX_CLIENTS) {
      buckets.values().removeIf(b -> now - b.updated > IDLE_NANOS);
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(perSecond, now));
    synchronized (bucket) {
      bucket.tokens = Math.min(perSecond, bucket.tokens + (now - bucket.updated) / 1e9 * perSecond);
      bucket.updated = now;
      if (bucket.tokens < 1) {
        return false;
      }
      bucket.tokens -= 1;
      return true;
    }
  }
}
