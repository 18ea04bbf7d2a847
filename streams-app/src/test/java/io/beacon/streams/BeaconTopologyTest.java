package io.beacon.streams;

import static io.beacon.streams.TopologyHarness.found;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.avro.Product;
import io.beacon.streams.counting.CountKeys;
import io.beacon.streams.query.Directory;
import io.beacon.streams.query.QueryResult;
import io.beacon.streams.query.RankedItem;
import io.beacon.streams.query.Ranking;
import io.beacon.streams.query.RankingModel;
import io.beacon.streams.query.StatsPoint;
import io.beacon.streams.query.StatsSeries;
import io.beacon.streams.query.Totals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per rule of the topology, on TopologyTestDriver, reading the stores and topics directly. */
class BeaconTopologyTest {

  private static final Duration HOUR = Duration.ofHours(1);
  @TempDir Path stateDir;
  private TopologyHarness t;
  private Instant now;

  @BeforeEach
  void start() {
    // Inside a minute, as the wall clock is: a window asked to end now ends with the minute that holds it.
    now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);
    t = new TopologyHarness(stateDir, now);
    t.advertiser("adv-1", AdvertiserStatus.ACTIVE);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Counts productCounts(String advertiser, Resolution resolution, Instant time, String product) {
    KeyValueStore<org.apache.kafka.common.utils.Bytes, Counts> store = t.driver.getKeyValueStore(StoreNames.PRODUCT_COUNTS);
    return store.get(CountKeys.product(advertiser, resolution, resolution.bucketStart(time.toEpochMilli()), product));
  }

  @Test
  void shouldCountEachTypePerProductAtEveryResolution() {
    Instant time = now.minusSeconds(90);
    t.send("adv-1", "p-1", EventType.VIEW, time, 3);
    t.send("adv-1", "p-1", EventType.IMPRESSION, time, 2);
    t.send("adv-1", "p-1", EventType.CLICK, time, 1);
    t.send("adv-1", "p-2", EventType.VIEW, time, 1);

    for (Resolution resolution : Resolution.values()) {
      assertEquals(new Counts(3, 2, 1), productCounts("adv-1", resolution, time, "p-1"), resolution.name());
      assertEquals(new Counts(1, 0, 0), productCounts("adv-1", resolution, time, "p-2"), resolution.name());
    }
    Totals totals = found(t.queries.localTotals());
    assertEquals(7, totals.accepted());
  }

  /**
   * Invariant 7 of the counting package, on a real StreamTask (the driver's): Kafka Streams runs
   * the commit hook before every commit, so what the processor held is in the stores and their
   * changelogs when the input offset commits, with no flush check (wall-clock punctuation) run.
   */
  @Test
  void shouldWriteWhatTheProcessorHoldsAtEveryCommitOfItsTask() {
    AdEvent event = t.event("adv-1", "p-1", EventType.CLICK, now);
    t.send(event);

    assertEquals(new Counts(0, 0, 1), productCounts("adv-1", Resolution.MINUTE, now, "p-1"));
    WindowStore<String, Long> ids = t.driver.getWindowStore(StoreNames.EVENT_IDS);
    long window = t.config.dedupWindow().toMillis();
    assertEquals(now.toEpochMilli(), ids.fetch("adv-1\n" + event.getEventId(), Math.floorDiv(now.toEpochMilli(), window) * window));
  }

  @Test
  void shouldWindowByEventTimeSoAReplayOfLastWeekFillsLastWeeksBuckets() {
    Instant lastWeek = now.minus(Duration.ofDays(7)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(10));
    t.send("adv-1", "p-1", EventType.VIEW, lastWeek, 4);
    t.send("adv-1", "p-1", EventType.VIEW, lastWeek.plus(HOUR), 2);

    assertEquals(new Counts(4, 0, 0), productCounts("adv-1", Resolution.HOUR, lastWeek, "p-1"));
    StatsSeries series = found(t.queries.stats("adv-1", null, Duration.ofHours(3), HOUR, lastWeek.plus(HOUR)));
    assertEquals(List.of(0L, 4L, 2L), series.points().stream().map(StatsPoint::views).toList());
    Ranking lastWeeks = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, lastWeek.plus(Duration.ofMinutes(5)), 10));
    assertEquals(4, lastWeeks.items().get(0).views());
    Ranking thisHour = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertTrue(thisHour.items().isEmpty(), "nothing happened in the last hour: " + thisHour);
  }

  @Test
  void shouldCountLateEventsWithinGraceAndRejectLaterOnesAsLate() {
    t.send("adv-1", "p-1", EventType.VIEW, now, 1); // stream time is now
    t.send("adv-1", "p-1", EventType.VIEW, now.minus(Duration.ofMinutes(59)), 1); // within 1h grace
    t.send("adv-1", "p-1", EventType.VIEW, now.minus(Duration.ofMinutes(61)), 1); // too late

    assertEquals(List.of("LATE"), t.rejectedReasons());
    assertEquals(2, found(t.queries.localTotals()).accepted());
    assertEquals(1L, found(t.queries.localTotals()).rejected().get(RejectReason.LATE));
  }

  @Test
  void shouldCountABackfilledEventIntoEveryBucketStillKeptForItsTimeAndRefuseOnlyWhatNoneHolds() {
    t.send("adv-1", "p-0", EventType.VIEW, now, 1); // stream time: now
    Instant threeHours = now.minus(Duration.ofHours(3));
    Instant threeDays = now.minus(Duration.ofDays(3));
    Instant tenDays = now.minus(Duration.ofDays(10));
    Instant thirtyFourDays = now.minus(Duration.ofDays(34));
    for (Instant time : List.of(threeHours, threeDays, tenDays, thirtyFourDays)) {
      t.backfill(t.event("adv-1", "p-1", EventType.VIEW, time));
    }
    t.send("adv-1", "p-1", EventType.VIEW, threeHours, 1); // live, past the grace

    assertEquals(List.of("LATE"), t.rejectedReasons(), "only the live event past the grace");
    assertEquals(List.of(1L, 1L, 1L), views(threeHours), "minute, hour, day");
    assertEquals(List.of(0L, 1L, 1L), views(threeDays), "minute buckets are kept 2 days");
    assertEquals(List.of(0L, 0L, 1L), views(tenDays), "hour buckets 8 days");
    assertEquals(List.of(0L, 0L, 1L), views(thirtyFourDays), "day buckets 35 days");
    assertEquals(5, found(t.queries.localTotals()).accepted());
  }

  @Test
  void shouldCountABackfillOnceWhenLoadedAgainAndNotCountALiveEventAgainWhenBackfilled() {
    AdEvent liveThreeDaysAgo = t.event("adv-1", "p-1", EventType.VIEW, now.minus(Duration.ofDays(3)));
    t.send(liveThreeDaysAgo); // counted live, back then
    t.send("adv-1", "p-1", EventType.VIEW, now, 1); // stream time: now, days past the live id's filters
    List<AdEvent> backfill = new ArrayList<>();
    for (int day = 1; day <= 7; day++) {
      backfill.add(t.event("adv-1", "p-2", EventType.VIEW, now.minus(Duration.ofDays(day)).minus(Duration.ofMinutes(day))));
    }

    backfill.forEach(t::backfill);
    backfill.forEach(t::backfill); // the same file again
    t.backfill(liveThreeDaysAgo); // the logs hold what was counted live too

    assertEquals(Collections.nCopies(8, "DUPLICATE"), t.rejectedReasons());
    for (AdEvent event : backfill) {
      assertEquals(1, productCounts("adv-1", Resolution.DAY, event.getEventTime(), "p-2").views(), event.getEventTime().toString());
    }
    assertEquals(1, productCounts("adv-1", Resolution.DAY, liveThreeDaysAgo.getEventTime(), "p-1").views());
    assertEquals(9, found(t.queries.localTotals()).accepted());
  }

  /** The views of p-1 in the minute, hour and day buckets that hold {@code time}; 0 where there is none. */
  private List<Long> views(Instant time) {
    return java.util.Arrays.stream(Resolution.values()).map(r -> {
      Counts counts = productCounts("adv-1", r, time, "p-1");
      return counts == null ? 0L : counts.views();
    }).toList();
  }

  @Test
  void shouldRejectUnknownAndInactiveAdvertisersWithTheReason() {
    t.advertiser("adv-off", AdvertiserStatus.INACTIVE);
    t.send("nobody", "p-1", EventType.VIEW, now, 1);
    t.send("adv-off", "p-1", EventType.VIEW, now, 1);

    List<TestRecord<String, AdEvent>> rejected = t.rejected.readRecordsToList();
    assertEquals(List.of("UNKNOWN_ADVERTISER", "INACTIVE_ADVERTISER"),
        rejected.stream().map(r -> header(r.headers().lastHeader(RejectReason.HEADER))).toList());
    assertEquals("nobody", rejected.get(0).key());
    assertEquals("adv-off", rejected.get(1).value().getAdvertiserId());
    Ranking inactive = found(t.queries.recommendations("adv-off", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertEquals(List.of(), inactive.items(), "registered, so answered: nothing counted");
  }

  @Test
  void shouldStopCountingFromTheMomentAnAdvertiserTurnsInactiveAndKeepCountingWhilePaused() {
    t.send("adv-1", "p-1", EventType.VIEW, now, 1);
    t.advertiser("adv-1", AdvertiserStatus.PAUSED);
    t.send("adv-1", "p-1", EventType.VIEW, now, 1);
    t.advertiser("adv-1", AdvertiserStatus.INACTIVE);
    t.send("adv-1", "p-1", EventType.VIEW, now, 1);

    assertEquals(2, productCounts("adv-1", Resolution.MINUTE, now, "p-1").views());
    assertEquals(List.of("INACTIVE_ADVERTISER"), t.rejectedReasons());
  }

  @Test
  void shouldCountTheSameEventIdOnceWithinTheDedupWindow() {
    AdEvent event = t.event("adv-1", "p-1", EventType.CLICK, now);
    t.send(event);
    t.send(event);
    AdEvent sameIdLater = AdEvent.newBuilder(event).setEventTime(now.plus(Duration.ofMinutes(2))).build();
    t.send(sameIdLater);

    assertEquals(1, productCounts("adv-1", Resolution.DAY, now, "p-1").clicks());
    assertEquals(List.of("DUPLICATE", "DUPLICATE"), t.rejectedReasons());
  }

  @Test
  void shouldFindAnIdFirstCountedInTheNextDedupBucketWithinTheClockSkew() {
    // Two minutes before a dedup bucket (an hour) ends, the allowed clock skew reaches into the next one.
    Instant lateInBucket = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(2));
    try (TopologyHarness late = new TopologyHarness(stateDir.resolve("late"), lateInBucket)) {
      late.advertiser("adv-1", AdvertiserStatus.ACTIVE);
      AdEvent ahead = late.event("adv-1", "p-1", EventType.VIEW, lateInBucket.plus(Duration.ofMinutes(4)));
      late.send(ahead);
      late.send(AdEvent.newBuilder(ahead).setEventTime(lateInBucket).build());

      assertEquals(List.of("DUPLICATE"), late.rejectedReasons());
    }
  }

  @Test
  void shouldNotLetOneLuckyImpressionOutrankAProvenProductInTopCtr() {
    t.send("adv-1", "lucky", EventType.IMPRESSION, now, 1);
    t.send("adv-1", "lucky", EventType.CLICK, now, 1);
    t.send("adv-1", "proven", EventType.IMPRESSION, now, 2000);
    t.send("adv-1", "proven", EventType.CLICK, now, 300);
    t.send("adv-1", "weak", EventType.IMPRESSION, now, 1000);
    t.send("adv-1", "weak", EventType.CLICK, now, 10);

    Ranking ranking = found(t.queries.recommendations("adv-1", RankingModel.TOP_CTR, HOUR, now, 10));
    List<String> order = ranking.items().stream().map(RankedItem::productId).toList();
    assertEquals(List.of("proven", "weak"), order);
    RankedItem proven = ranking.items().get(0);
    assertEquals(2000, proven.impressions());
    assertEquals(300, proven.clicks());
    assertEquals(0.15, proven.ctr(), 1e-9);
    // prior p = 311 / 3001; score = (300 + 100 p) / (2000 + 100)
    assertEquals((300 + 100 * (311.0 / 3001)) / 2100, proven.score(), 1e-9);
  }

  @Test
  void shouldRankTopProductsByViewsWithRawCountsAndTheWindow() {
    t.send("adv-1", "p-a", EventType.VIEW, now.minus(Duration.ofMinutes(10)), 5);
    t.send("adv-1", "p-b", EventType.VIEW, now.minus(Duration.ofMinutes(20)), 7);
    t.send("adv-1", "p-c", EventType.VIEW, now.minus(Duration.ofMinutes(50)), 9); // outside 15m
    t.send("adv-1", "p-a", EventType.IMPRESSION, now, 3);

    Ranking ranking = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, Duration.ofMinutes(30), now, 10));
    assertEquals(List.of("p-b", "p-a"), ranking.items().stream().map(RankedItem::productId).toList());
    assertEquals(new RankedItem("p-a", 5, 5, 3, 0, 0), ranking.items().get(1));
    Instant minuteEnd = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    assertEquals(minuteEnd, ranking.end(), "the window ends with the minute that holds its end");
    assertEquals(minuteEnd.minus(Duration.ofMinutes(30)), ranking.start());
    Ranking top1 = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 1));
    assertEquals(List.of("p-c"), top1.items().stream().map(RankedItem::productId).toList());
  }

  @Test
  void shouldSeeNewCountsInPartsOfALongWindowThatAnEarlierQuerySummed() {
    t.send("adv-1", "p-a", EventType.VIEW, now.minus(Duration.ofDays(3)), 3);
    t.send("adv-1", "p-b", EventType.VIEW, now.minus(Duration.ofHours(5)), 2);
    t.send("adv-1", "p-b", EventType.VIEW, now, 2);
    Duration month = Duration.ofDays(30);
    Ranking first = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, month, now, 10));
    assertEquals(List.of("p-b 4", "p-a 3"), first.items().stream().map(i -> i.productId() + " " + i.views()).toList());
    assertEquals(first, found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, month, now, 10)));
    Ranking hourBefore = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertEquals(List.of("p-b 2"), hourBefore.items().stream().map(i -> i.productId() + " " + i.views()).toList());

    // Late but within grace: lands in the previous hour (unless now is hh:59), a part of both
    // windows summed above: hours of today in the 30-day window, minutes in the 1-hour one.
    t.send("adv-1", "p-a", EventType.VIEW, now.minus(Duration.ofMinutes(59)), 2);

    Ranking after = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, month, now, 10));
    assertEquals(List.of("p-a 5", "p-b 4"), after.items().stream().map(i -> i.productId() + " " + i.views()).toList());
    Ranking hourAfter = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertEquals(List.of("p-a 2", "p-b 2"), hourAfter.items().stream().map(i -> i.productId() + " " + i.views()).toList());
  }

  @Test
  void shouldAnswerARegisteredAdvertiserWithoutEventsEmptyWithAReasonAndAnUnknownOneNotFound() {
    Ranking registered = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertEquals(List.of(), registered.items());
    assertEquals("no product has views in this window", registered.note());
    assertInstanceOf(QueryResult.NotFound.class, t.queries.recommendations("nobody", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
  }

  @Test
  void shouldSayWhyARankingHoldsFewerItemsThanAskedFor() {
    t.send("adv-1", "p-a", EventType.IMPRESSION, now, 150);
    t.send("adv-1", "p-b", EventType.IMPRESSION, now, 20);
    t.send("adv-1", "p-c", EventType.VIEW, now, 1);

    Ranking ctr = found(t.queries.recommendations("adv-1", RankingModel.TOP_CTR, HOUR, now, 10));
    assertEquals(List.of("p-a"), ctr.items().stream().map(RankedItem::productId).toList());
    assertEquals("only 1 product has 100 impressions in this window, the least a CTR is ranked on"
        + " (beacon.ctr.min-impressions); 1 more has fewer", ctr.note());
    Ranking views = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10));
    assertEquals("only 1 product has views in this window", views.note());
    assertNull(found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 1)).note(), "as many as asked for");
  }

  @Test
  void shouldRejectInvalidEventsWithTheFieldInTheDetail() {
    AdEvent longId = t.event("adv-1", "p".repeat(129), EventType.VIEW, now);
    t.send(longId);
    AdEvent control = t.event("adv-1", "p\u0007", EventType.VIEW, now);
    t.send(control);
    AdEvent wrongKey = t.event("adv-1", "p-1", EventType.VIEW, now);
    t.events.pipeInput("adv-2", wrongKey, now);
    AdEvent future = t.event("adv-1", "p-1", EventType.VIEW, now.plus(Duration.ofHours(2)));
    t.events.pipeInput("adv-1", future, now); // a producer stamps records with its send time

    List<TestRecord<String, AdEvent>> rejected = t.rejected.readRecordsToList();
    assertEquals(4, rejected.size());
    rejected.forEach(r -> assertEquals("INVALID", header(r.headers().lastHeader(RejectReason.HEADER))));
    List<String> details = rejected.stream().map(r -> header(r.headers().lastHeader(RejectReason.DETAIL_HEADER))).toList();
    assertTrue(details.get(0).startsWith("product_id: must be at most 128"), details.get(0));
    assertTrue(details.get(1).startsWith("product_id: must not contain control"), details.get(1));
    assertTrue(details.get(2).startsWith("key: must equal advertiser_id"), details.get(2));
    assertTrue(details.get(3).startsWith("event_time: is in the future"), details.get(3));
    // The future event did not move stream time: a normal event an hour and a half old still counts.
    t.send("adv-1", "p-1", EventType.VIEW, now.minus(Duration.ofMinutes(30)), 1);
    assertEquals(1, productCounts("adv-1", Resolution.DAY, now.minus(Duration.ofMinutes(30)), "p-1").views());
  }

  @Test
  void shouldSkipUnreadableRecordsAndGoOn() {
    // TopologyTestDriver does not capture dead letters sent while records are enqueued; that they
    // land on the DLQ topic is asserted against a real broker in BeaconStreamsIT.
    t.rawEvents.pipeInput("adv-1", "not avro".getBytes(StandardCharsets.UTF_8), now);
    t.rawEvents.pipeInput("adv-1", (byte[]) null, now);
    t.send("adv-1", "p-1", EventType.VIEW, now, 1);

    assertEquals(1, productCounts("adv-1", Resolution.MINUTE, now, "p-1").views());
    assertEquals(1, found(t.queries.localTotals()).accepted());
  }

  @Test
  void shouldDeleteBucketsOnceTheirRetentionHasPassedInStreamTime() {
    Instant old = now.minus(Duration.ofDays(3));
    t.send("adv-1", "p-1", EventType.VIEW, old, 1);
    assertNotNull(productCounts("adv-1", Resolution.MINUTE, old, "p-1"));
    t.send("adv-1", "p-1", EventType.VIEW, now, 1); // stream time jumps 3 days: minute buckets expire

    assertNull(productCounts("adv-1", Resolution.MINUTE, old, "p-1"));
    assertEquals(1, productCounts("adv-1", Resolution.HOUR, old, "p-1").views());
    assertEquals(1, productCounts("adv-1", Resolution.MINUTE, now, "p-1").views());
  }

  @Test
  void shouldEndEveryWindowAtTheTimeAskedForWithTheStepsCountingBackFromIt() {
    Instant at = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(9)); // on a minute
    t.send("adv-1", "p-1", EventType.VIEW, at.minusSeconds(1), 1); // inside
    t.send("adv-1", "p-1", EventType.VIEW, at, 1); // the window ends before it

    Ranking ranking = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, at, 10));
    assertEquals(at, ranking.end());
    assertEquals(1, ranking.items().get(0).views());
    StatsSeries series = found(t.queries.stats("adv-1", null, Duration.ofHours(24), HOUR, at));
    assertEquals(at, series.end());
    assertEquals(at.minus(Duration.ofHours(24)), series.points().get(0).start());
    assertEquals(at.minus(HOUR), series.points().get(23).start());
    assertEquals(1, series.points().get(23).views());
    for (Duration window : List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), HOUR, Duration.ofHours(6), Duration.ofHours(24))) {
      assertEquals(at, found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, window, at, 10)).end(), window.toString());
    }
    // Rounded up: an `at` on the hour (one run in sixty, as `now` falls) is its own end.
    Instant hour = roundedUp(at, HOUR);
    assertEquals(hour, found(t.queries.stats("adv-1", null, Duration.ofDays(7), Duration.ofHours(6), at)).end(),
        "7 days: with the hour that holds the end");
    Instant day = roundedUp(at, Duration.ofDays(1));
    assertEquals(day, found(t.queries.stats("adv-1", null, Duration.ofDays(30), Duration.ofDays(1), at)).end(),
        "30 days: with the day that holds the end");
  }

  /** {@code at} rounded up to a multiple of {@code size} since the epoch. */
  private static Instant roundedUp(Instant at, Duration size) {
    return Instant.ofEpochMilli(-Math.floorDiv(-at.toEpochMilli(), size.toMillis()) * size.toMillis());
  }

  @Test
  void shouldEndEveryWindowAndStepAtTheBucketThatHoldsTheEndAndCountTheStepsBackFromIt() {
    Map<Duration, Duration> granularity = Map.of(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(15),
        Duration.ofMinutes(1), HOUR, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofHours(24),
        Duration.ofMinutes(1), Duration.ofDays(7), HOUR, Duration.ofDays(30), Duration.ofDays(1));
    List<Duration> steps = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), HOUR, Duration.ofHours(6),
        Duration.ofDays(1));
    for (Instant at : List.of(now, now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(17)))) {
      granularity.forEach((window, bucket) -> {
        Instant end = roundedUp(at, bucket);
        assertEquals(end, found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, window, at, 10)).end(), window + " at " + at);
        for (Duration step : steps) {
          if (window.toMillis() % step.toMillis() != 0 || window.toMillis() / step.toMillis() > 1440) {
            continue; // the API refuses these
          }
          StatsSeries series = found(t.queries.stats("adv-1", null, window, step, at));
          String what = window + " by " + step + " at " + at;
          assertEquals(end, series.end(), what);
          assertEquals(window.toMillis() / step.toMillis(), series.points().size(), what);
          assertEquals(end.minus(window), series.points().get(0).start(), what);
          assertEquals(end.minus(step), series.points().get(series.points().size() - 1).start(), what);
        }
      });
    }
  }

  @Test
  void shouldSayAWindowIsFinalOnceNoLiveEventCanChangeItAndKeepItSo() {
    Instant old = now.minus(Duration.ofHours(3));
    t.send("adv-1", "p-1", EventType.VIEW, old, 2);
    t.send("adv-1", "p-1", EventType.VIEW, now, 1); // stream time: now

    Ranking past = found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, old.plus(Duration.ofMinutes(5)), 10));
    assertTrue(past.isFinal(), "its end is more than the grace (1 h) before stream time");
    assertFalse(found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, now, 10)).isFinal());
    assertFalse(found(t.queries.stats("adv-1", null, HOUR, Duration.ofMinutes(1), now.minus(Duration.ofMinutes(30)))).isFinal(),
        "30 minutes ago is within the grace: a late event may still land");

    t.send("adv-1", "p-1", EventType.VIEW, old, 1); // LATE
    assertEquals(past, found(t.queries.recommendations("adv-1", RankingModel.TOP_PRODUCTS, HOUR, old.plus(Duration.ofMinutes(5)), 10)));
  }

  @Test
  void shouldGiveAStatsPointForEveryStepIncludingEmptyOnes() {
    Instant twoHoursAgo = now.minus(Duration.ofHours(2));
    t.send("adv-1", "p-1", EventType.IMPRESSION, twoHoursAgo, 4);
    t.send("adv-1", "p-1", EventType.CLICK, twoHoursAgo, 1);
    t.send("adv-1", "p-2", EventType.VIEW, now, 2);

    StatsSeries series = found(t.queries.stats("adv-1", null, Duration.ofHours(24), HOUR, now));
    assertEquals(24, series.points().size());
    StatsPoint twoAgo = series.points().get(21);
    assertEquals(series.start().plus(Duration.ofHours(21)), twoAgo.start(), "steps count back from the window's end");
    assertTrue(!twoHoursAgo.isBefore(twoAgo.start()) && twoHoursAgo.isBefore(twoAgo.start().plus(HOUR)));
    assertEquals(new StatsPoint(twoAgo.start(), 0, 4, 1, 0.25), twoAgo);
    assertEquals(2, series.points().get(23).views());
    assertEquals(6, series.points().stream().mapToLong(p -> p.views() + p.impressions()).sum());
  }

  @Test
  void shouldGiveOneProductsSeriesWhenAProductIsNamed() {
    Instant twoHoursAgo = now.minus(Duration.ofHours(2));
    t.send("adv-1", "p-1", EventType.IMPRESSION, twoHoursAgo, 4);
    t.send("adv-1", "p-1", EventType.CLICK, twoHoursAgo, 1);
    t.send("adv-1", "p-2", EventType.IMPRESSION, twoHoursAgo, 7);
    t.send("adv-1", "p-1", EventType.VIEW, now, 3);

    StatsSeries series = found(t.queries.stats("adv-1", "p-1", Duration.ofHours(24), HOUR, now));
    assertEquals(24, series.points().size());
    assertEquals(new StatsPoint(series.start().plus(Duration.ofHours(21)), 0, 4, 1, 0.25), series.points().get(21));
    assertEquals(3, series.points().get(23).views());
    assertEquals(4, series.points().stream().mapToLong(StatsPoint::impressions).sum(), "p-2's impressions are not p-1's");
    StatsSeries unknownProduct = found(t.queries.stats("adv-1", "p-9", Duration.ofHours(24), HOUR, now));
    assertTrue(unknownProduct.points().stream().allMatch(p -> p.views() + p.impressions() + p.clicks() == 0));
  }

  @Test
  void shouldReadAdvertisersAndProductsByIdInTheOrderAskedLeavingOutUnknownOnes() {
    t.advertiser("adv-2", AdvertiserStatus.PAUSED);
    t.product("p-1", "adv-1", "Trail Running Shoe", "Shoes", "Acme");
    t.product("p-3", "adv-2", "Running Shorts", "Apparel", "Zeta");
    Directory directory = new Directory(t.stateSource());

    assertEquals(List.of("adv-2", "adv-1"), found(directory.advertisers(List.of("adv-2", "adv-9", "adv-1"))).stream()
        .map(a -> a.getAdvertiserId()).toList());
    assertEquals(List.of("p-3", "p-1"), ids(directory.products(List.of("p-3", "p-2", "p-1"))));
  }

  @Test
  void shouldTellTheListenerOfEachCountAndRejectionWithTheTimeSinceTheCollectorAcceptedIt() {
    AdEvent event = t.event("adv-1", "p-1", EventType.VIEW, now);
    long acceptedAt = System.currentTimeMillis() - 250;
    t.events.pipeInput(new TestRecord<>("adv-1", event,
        new RecordHeaders().add(ProcessingListener.ACCEPTED_AT_HEADER, ProcessingListener.acceptedAt(acceptedAt)), now));
    t.send(event);
    t.send(t.event("adv-1", "p-1", EventType.CLICK, now));

    assertEquals(3, t.heard.size(), t.heard.toString());
    long freshness = Long.parseLong(t.heard.get(0).replace("counted adv-1 ", ""));
    assertTrue(freshness >= 250 && freshness < 60_000, "freshness " + freshness);
    assertEquals(List.of("rejected adv-1 DUPLICATE", "counted adv-1 -1"), t.heard.subList(1, 3),
        "without the header the time is unknown");
  }

  @Test
  void shouldGiveTheNewestEventTimeOfEachActiveAdvertiserOnly() {
    t.advertiser("adv-2", AdvertiserStatus.ACTIVE);
    t.send("adv-1", "p-1", EventType.VIEW, now.minusSeconds(60), 1);
    t.send("adv-1", "p-1", EventType.VIEW, now.minusSeconds(600), 1);
    t.send("adv-2", "p-1", EventType.VIEW, now.minusSeconds(30), 1);
    t.advertiser("adv-2", AdvertiserStatus.PAUSED);

    assertEquals(java.util.Map.of("adv-1", now.minusSeconds(60)), found(t.queries.latestEventOfActiveAdvertisers()));
  }

  private static List<String> ids(QueryResult<List<Product>> products) {
    return found(products).stream().map(Product::getProductId).toList();
  }

  private static String header(Header header) {
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
