package io.beacon.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StateScopedCacheTest {

  private final AtomicLong stateChanges = new AtomicLong();
  private final StateScopedCache<String, Placement> cache = new StateScopedCache<>(stateChanges::get, 10);
  private final AtomicInteger lookUps = new AtomicInteger();
  private Optional<Placement> now = Optional.of(new Placement(3, "a:1", List.of("b:1")));
  private final Function<String, Optional<Placement>> lookUp = id -> {
    lookUps.incrementAndGet();
    return now;
  };

  @Test
  void aPlacementIsLookedUpOnceWhileKafkaStreamsStaysRunning() {
    assertEquals(now, cache.get("adv", true, lookUp));
    assertEquals(now, cache.get("adv", true, lookUp));
    assertEquals(1, lookUps.get());
  }

  @Test
  void aStateChangeForgetsThePlacement() {
    cache.get("adv", true, lookUp);
    now = Optional.of(new Placement(3, "b:1", List.of("a:1")));
    stateChanges.addAndGet(2); // RUNNING -> REBALANCING -> RUNNING
    assertEquals("b:1", cache.get("adv", true, lookUp).orElseThrow().active(), "the owner after the rebalance");
    assertEquals(2, lookUps.get());
  }

  @Test
  void whileNotRunningEveryQueryLooksUp() {
    cache.get("adv", false, lookUp);
    cache.get("adv", false, lookUp);
    assertEquals(2, lookUps.get());
    cache.get("adv", true, lookUp);
    assertEquals(3, lookUps.get(), "nothing looked up while rebalancing was kept");
  }

  @Test
  void noOwnerIsNotRemembered() {
    now = Optional.empty();
    cache.get("adv", true, lookUp);
    now = Optional.of(new Placement(3, "a:1", List.of()));
    assertEquals(now, cache.get("adv", true, lookUp));
  }

  @Test
  void pastItsBoundEveryEntryIsForgotten() {
    for (int i = 0; i < 10; i++) {
      cache.get("adv-" + i, true, lookUp);
    }
    cache.get("adv-10", true, lookUp);
    cache.get("adv-0", true, lookUp);
    assertEquals(12, lookUps.get(), "the 11th key cleared the 10 before it");
    cache.get("adv-10", true, lookUp);
    assertEquals(12, lookUps.get(), "the 11th key itself was kept");
  }
}
