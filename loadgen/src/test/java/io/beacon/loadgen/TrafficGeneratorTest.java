package io.beacon.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficGeneratorTest {

  static final TrafficPlan PLAN = TrafficPlan.ending(Instant.parse("2026-11-23T12:34:56Z"), 7, 20_000, 5, 30, true);

  static List<Planned> generate(TrafficPlan plan) {
    List<Planned> records = new ArrayList<>();
    new TrafficGenerator(plan).generate(records::add);
    return records;
  }

  @Test
  void theSameSeedGivesTheSameRecords() {
    List<Planned> a = generate(PLAN);
    List<Planned> b = generate(PLAN);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).event(), b.get(i).event(), "record " + i);
      assertEquals(a.get(i).outcome(), b.get(i).outcome(), "record " + i);
    }
  }

  @Test
  void everyKindOfRecordIsThereWithTheOutcomeItMustHave() {
    Set<String> ids = new HashSet<>();
    GroundTruth truth = GroundTruth.of(PLAN);
    for (Planned p : generate(PLAN)) {
      truth.record(p);
      switch (p.outcome()) {
        case "DUPLICATE" -> assertTrue(ids.contains(p.event().getEventId()), "a duplicate repeats an id already sent");
        case "LATE" -> assertTrue(p.event().getEventTime().isBefore(PLAN.start().minus(TrafficPlan.LATENESS).plus(TrafficPlan.SPAN)));
        case "INVALID" -> assertTrue(!p.key().equals(p.event().getAdvertiserId()));
        case "DLQ" -> assertEquals(0x7f, p.garbage()[0]);
        case "COUNTED" -> {
          assertTrue(ids.add(p.event().getEventId()), "counted events have fresh ids");
          assertTrue(!p.event().getEventTime().isBefore(PLAN.start()) && p.event().getEventTime().isBefore(PLAN.start().plus(TrafficPlan.SPAN).plusSeconds(2)));
        }
        default -> { }
      }
    }
    assertEquals(truth.sent, truth.accepted + truth.rejectedTotal() + truth.dlq);
    assertTrue(truth.accepted > 20_000, "views and impressions, plus clicks");
    for (String reason : truth.rejected.keySet()) {
      assertTrue(truth.rejected.get(reason) > 0, "no " + reason + " records in " + truth.rejected);
    }
    assertTrue(truth.dlq > 0);
    assertTrue(PLAN.queryAt().isBefore(Instant.parse("2026-11-23T12:34:56Z")), "queries must not ask about the future");
  }

  @Test
  void theTruthSurvivesASaveAndALoad(@TempDir Path dir) throws Exception {
    GroundTruth truth = GroundTruth.of(PLAN);
    generate(PLAN).forEach(truth::record);
    truth.save(dir.resolve("truth.json"));
    GroundTruth loaded = GroundTruth.load(dir.resolve("truth.json"));
    assertEquals(truth.accepted, loaded.accepted);
    assertEquals(truth.rejected, loaded.rejected);
    assertEquals(truth.advertisers, loaded.advertisers);
  }
}
