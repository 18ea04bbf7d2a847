package io.beacon.streams.personal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Products' occurrences as read from the co-occurrence store, reused for a short time. Ranking reads
 * the occurrences of up to a few hundred candidates per request, each a whole stored record read
 * for its 16-byte head; those reads were most of a query's CPU time (BENCHMARKS.md, Personal
 * recommendations).
 *
 * <p>Invariant: an occurrences figure is never older than {@code freshFor}; a zero {@code freshFor}
 * reads the store every time. What is kept is the stored value and its time, decayed when asked,
 * so a kept figure differs from the store's only by the interactions of the last {@code freshFor}.
 * A user's history and a product's own neighbours are always read from the store.
 */
final class RecentOccurrences {

  /** The head of a stored record; {@code value} 0 for a product without one. */
  private record Head(double value, long at) {
    static final Head NONE = new Head(0, 0);
  }

  private final Cache<String, Head> heads;
  private final Decay decay;

  RecentOccurrences(Duration freshFor, long maxProducts, Decay decay, Ticker ticker) {
    this.decay = decay;
    this.heads = freshFor.isZero() ? null
        : Caffeine.newBuilder().expireAfterWrite(freshFor).maximumSize(maxProducts).ticker(ticker).build();
  }

  /** The decayed occurrences at {@code time} of the product stored under {@code key}; 0 without a record. */
  double at(ReadOnlyKeyValueStore<String, byte[]> cooccurrences, String key, long time) {
    Head head = heads == null ? read(cooccurrences, key) : heads.get(key, k -> read(cooccurrences, k));
    return head.value == 0 ? 0 : decay.at(head.value, head.at, time);
  }

  private static Head read(ReadOnlyKeyValueStore<String, byte[]> cooccurrences, String key) {
    byte[] stored = cooccurrences.get(key);
    if (stored == null) {
      return Head.NONE;
    }
    return new Head(Neighbourhood.storedOccurrences(stored), Neighbourhood.storedOccurrencesTime(stored));
  }
}
