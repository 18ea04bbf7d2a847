package io.beacon.service.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per client: {@code perSecond} requests a second, bursts up to one second's worth.
 * Memory is bounded: when the table is full, idle buckets are dropped (at most once a second, so a
 * full table does not cost every request a scan), and clients that still find no room share one
 * overflow bucket.
 */
final class RateLimiter {

  private static final int MAX_CLIENTS = 100_000;
  private static final long IDLE_NANOS = 60_000_000_000L;
  private static final long CLEANUP_EVERY_NANOS = 1_000_000_000L;
  private static final String OVERFLOW = "(overflow)";

  private final double perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong lastCleanup = new AtomicLong(System.nanoTime());

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }
  }

  RateLimiter(double perSecond) {
    if (!(perSecond >= 1)) {
      throw new IllegalArgumentException("BEACON_COLLECTOR_RATE_LIMIT (beacon.collector.rate-limit-per-second) must be at least 1, was " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** Whether {@code client} may make one more request now. */
  boolean tryAcquire(String client) {
    long now = System.nanoTime();
    String key = client;
    if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
      long last = lastCleanup.get();
      if (now - last > CLEANUP_EVERY_NANOS && lastCleanup.compareAndSet(last, now)) {
        buckets.entrySet().removeIf(e -> now - e.getValue().updated > IDLE_NANOS);
      }
      key = buckets.size() >= MAX_CLIENTS ? OVERFLOW : client;
    }
    Bucket bucket = buckets.computeIfAbsent(key, c -> new Bucket(perSecond, now));
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
