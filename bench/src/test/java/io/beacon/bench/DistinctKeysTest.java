package io.beacon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistinctKeysTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:34:56Z");

  @Test
  void shouldMakeOneNewKeyPerEventInEventTimeOrder() {
    DistinctKeys plan = DistinctKeys.atLeast(10_000, NOW);
    assertEquals(3, plan.minutes());
    assertEquals(12_000, plan.keys());
    Set<String> keys = new HashSet<>();
    Instant previous = Instant.MIN;
    for (long i = 0; i < plan.keys(); i++) {
      AdEvent event = plan.event(i);
      Instant time = event.getEventTime();
      assertTrue(!time.isBefore(previous), "event " + i + " is older than the one before");
      previous = time;
      keys.add(event.getAdvertiserId() + "/" + event.getProductId() + "/" + time.truncatedTo(ChronoUnit.MINUTES));
    }
    assertEquals(plan.keys(), keys.size());
    assertTrue(plan.end().isBefore(NOW.minus(Duration.ofMinutes(1))), "every event is in the past");
  }

  @Test
  void shouldRefuseMoreKeysThanMinuteBucketsKeep() {
    assertThrows(IllegalArgumentException.class, () -> DistinctKeys.atLeast(20_000_000, NOW));
  }
}
