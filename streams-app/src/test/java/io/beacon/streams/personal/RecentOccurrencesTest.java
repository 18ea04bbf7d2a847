package io.beacon.streams.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/** The invariant of {@link RecentOccurrences}: a figure is never older than freshFor. */
class RecentOccurrencesTest {

  private static final long DAY = 86_400_000L;
  private final Decay decay = new Decay(7 * DAY);
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final CountingStore store = new CountingStore();

  @Test
  void shouldReuseAFigureWithinFreshForAndReadTheStoreAgainAfter() {
    RecentOccurrences occurrences = new RecentOccurrences(Duration.ofSeconds(1), 1000, decay, ticker);
    store.put("adv|a", 1, 0);
    assertEquals(1.0, occurrences.at(store, "adv|a", 0), 1e-12);
    store.put("adv|a", 5, 0);
    nanos.addAndGet(Duration.ofMillis(999).toNanos());
    assertEquals(1.0, occurrences.at(store, "adv|a", 0), 1e-12, "reused within a second");
    assertEquals(1, store.reads.get());
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertEquals(5.0, occurrences.at(store, "adv|a", 0), 1e-12, "read again once a second old");
    assertEquals(decay.at(5, 0, 7 * DAY), occurrences.at(store, "adv|a", 7 * DAY), 1e-12, "decayed to the time asked");
  }

  @Test
  void shouldReadTheStoreEveryTimeWhenFreshForIsZero() {
    RecentOccurrences occurrences = new RecentOccurrences(Duration.ZERO, 1000, decay, ticker);
    assertEquals(0.0, occurrences.at(store, "adv|a", 0), "no record, no occurrences");
    store.put("adv|a", 2, 0);
    assertEquals(2.0, occurrences.at(store, "adv|a", 0), 1e-12);
    assertEquals(2, store.reads.get());
  }

  /** A store of co-occurrence records holding their heads alone, counting reads. */
  private static final class CountingStore implements ReadOnlyKeyValueStore<String, byte[]> {
    private final Map<String, byte[]> records = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    void put(String key, int occurrences, long at) {
      Neighbourhood product = new Neighbourhood();
      for (int i = 0; i < occurrences; i++) {
        product.occurred(at, new Decay(7 * DAY));
      }
      records.put(key, product.toBytes());
    }

    @Override
    public byte[] get(String key) {
      reads.incrementAndGet();
      return records.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long approximateNumEntries() {
      return records.size();
    }
  }
}
