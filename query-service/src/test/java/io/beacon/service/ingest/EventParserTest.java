package io.beacon.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.service.problem.FieldError;
import io.beacon.streams.BeaconConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventParserTest {

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  final EventParser parser = new EventParser(BeaconConfig.defaults("unused:9092"), Clock.fixed(NOW, ZoneOffset.UTC));
  final List<FieldError> errors = new ArrayList<>();

  AdEvent parse(Map<String, Object> values) {
    return parser.parse(new FieldValues(new HashMap<>(values), field -> "[0]." + field, errors));
  }

  @Test
  void mintsTheIdAndTakesTheCollectorsClockWhenAbsent() {
    AdEvent event = parse(Map.of("type", "View", "advertiser_id", "acme", "product_id", "p1"));
    assertEquals(List.of(), errors);
    assertEquals(EventType.VIEW, event.getType());
    assertEquals(NOW, event.getEventTime());
    assertEquals(36, event.getEventId().length());
    assertNull(event.getUserId());
  }

  @Test
  void mintedIdsAreVersion4UuidsDistinctAcrossThreads() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> IntStream.range(0, 10_000).forEach(i -> ids.add(EventParser.mintedId())));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(40_000, ids.size()); // a generator seeded alike on two threads would repeat ids
    for (String id : ids) {
      UUID uuid = UUID.fromString(id);
      assertEquals(4, uuid.version(), id);
      assertEquals(2, uuid.variant(), id);
    }
  }

  @Test
  void readsIsoTimesWithOffsetsAndEpochMillisAsNumberOrDigits() {
    Instant t = Instant.parse("2026-11-23T09:30:00Z");
    for (Object time : List.of("2026-11-23T10:30:00+01:00", "2026-11-23T09:30:00Z", t.toEpochMilli(), String.valueOf(t.toEpochMilli()))) {
      AdEvent event = parse(Map.of("type", "CLICK", "advertiser_id", "acme", "product_id", "p1", "event_time", time, "event_id", "e1"));
      assertEquals(List.of(), errors, time.toString());
      assertEquals(t, event.getEventTime(), time.toString());
      assertEquals("e1", event.getEventId());
    }
  }

  @Test
  void reportsEveryWrongFieldUnderItsPath() {
    AdEvent event = parse(Map.of(
        "type", "purchase",
        "event_time", "2026-11-23T11:00:00Z",
        "advertiser_id", 42L,
        "product_id", "x".repeat(129),
        "user_id", "bad\u0000id"));
    assertNull(event);
    Map<String, String> byField = new HashMap<>();
    errors.forEach(e -> byField.put(e.field(), e.reason()));
    assertEquals(5, errors.size(), errors.toString());
    assertTrue(byField.get("[0].type").contains("view, impression, click"), byField.toString());
    assertTrue(byField.get("[0].event_time").contains("future"), byField.toString());
    assertTrue(byField.get("[0].advertiser_id").contains("must be a string, was a number"), byField.toString());
    assertTrue(byField.get("[0].product_id").contains("at most 128"), byField.toString());
    assertTrue(byField.get("[0].user_id").contains("control characters"), byField.toString());
  }

  @Test
  void requiresTypeAdvertiserAndProduct() {
    assertNull(parse(Map.of()));
    assertEquals(List.of("[0].type", "[0].advertiser_id", "[0].product_id"), errors.stream().map(FieldError::field).toList());
  }

  @Test
  void rejectsTimesThatAreNotTimesOrTooOld() {
    for (Object time : List.of("yesterday", "", 1.5e12, "99999999999999999999", 0L, new FieldValues.WrongType("an object"))) {
      errors.clear();
      assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "event_time", time)), time.toString());
      assertEquals("[0].event_time", errors.get(0).field(), time.toString());
    }
  }

  @Test
  void saysWhichUnitAnEpochNumberLooksLikeAndWhatToSend() {
    long seconds = NOW.minusSeconds(3600).getEpochSecond();
    Map<Object, String> hints = Map.of(
        seconds, "looks like epoch seconds (2026-11-23T09:00:00Z): event_time takes epoch milliseconds (multiply by 1000)",
        String.valueOf(seconds), "looks like epoch seconds (2026-11-23T09:00:00Z)",
        seconds * 1_000_000, "looks like epoch microseconds (2026-11-23T09:00:00Z): event_time takes epoch milliseconds (divide by 1000)",
        seconds * 1_000_000_000, "looks like epoch nanoseconds (2026-11-23T09:00:00Z)");
    hints.forEach((time, hint) -> {
      errors.clear();
      assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "event_time", time)));
      assertTrue(errors.get(0).reason().contains(hint), errors.toString());
    });
    errors.clear();
    parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "event_time", 0L));
    assertTrue(errors.get(0).reason().startsWith("is older than 35 days"), "no unit fits 0: " + errors);
  }

  @Test
  void keepsOptionalFields() {
    AdEvent event = parse(Map.of("type", "impression", "advertiser_id", "a", "product_id", "p",
        "user_id", "u1", "campaign_id", "c1", "placement", "top"));
    assertNotNull(event);
    assertEquals(List.of("u1", "c1", "top"), List.of(event.getUserId(), event.getCampaignId(), event.getPlacement()));
  }

  @Test
  void takesUpToSixteenContextFeaturesTrimmedWithNamesInAnyCase() {
    AdEvent event = parse(Map.of("type", "impression", "advertiser_id", "a", "product_id", "p",
        "context", Map.of("Device", " mobile ", "country", "ES")));
    assertEquals(List.of(), errors);
    assertEquals(Map.of("device", "mobile", "country", "ES"), event.getContext());
    assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "context", Map.of())).getContext(),
        "an empty context is none: the event is written with the released schema");
  }

  @Test
  void namesEachWrongContextFeature() {
    Map<String, Object> tooMany = new HashMap<>();
    IntStream.range(0, 17).forEach(k -> tooMany.put("f" + k, "v"));
    assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "context", tooMany)));
    assertEquals("[0].context", errors.get(0).field());
    errors.clear();
    Map<String, Object> wrong = new HashMap<>();
    wrong.put("9lives", "x");
    wrong.put("device", 3L);
    wrong.put("age_band", "y".repeat(129));
    assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "context", wrong)));
    assertEquals(java.util.Set.of("[0].context.9lives", "[0].context.device", "[0].context.age_band"),
        java.util.Set.copyOf(errors.stream().map(FieldError::field).toList()));
    errors.clear();
    assertNull(parse(Map.of("type", "view", "advertiser_id", "a", "product_id", "p", "context", "mobile")));
    assertEquals("[0].context", errors.get(0).field());
  }
}
