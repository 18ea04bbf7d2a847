package io.beacon.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.streams.query.WindowPlan;
import io.beacon.streams.query.WindowPlan.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

  private static final long MIN = Duration.ofMinutes(1).toMillis();
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long NOW = Instant.parse("2026-11-22T10:30:00Z").toEpochMilli();

  @Test
  void shouldEndAWindowAtTheMinuteAskedForOrAtTheCoarsestBucketItsStartStillHas() {
    assertEquals(NOW, WindowPlan.alignedEnd(NOW, HOUR, NOW), "10:30:00 sharp ends at 10:30:00");
    assertEquals(NOW + MIN, WindowPlan.alignedEnd(NOW + 1, HOUR, NOW), "10:30:00.001 ends with its minute");
    assertEquals(NOW - 9 * MIN, WindowPlan.alignedEnd(NOW - 9 * MIN - 30_000, DAY, NOW), "24h at 10:20:30 ends at 10:21");
    assertEquals(NOW + 30 * MIN, WindowPlan.alignedEnd(NOW, 7 * DAY, NOW), "7d: minutes have expired a week back; hours have not");
    assertEquals(Resolution.DAY.bucketStart(NOW) + DAY, WindowPlan.alignedEnd(NOW, 30 * DAY, NOW), "30d: days");
    assertEquals(NOW - 3 * DAY + 30 * MIN, WindowPlan.alignedEnd(NOW - 3 * DAY, HOUR, NOW), "an hour 3 days back: its minutes expired");
  }

  @Test
  void shouldReadAnHourAsSixtyMinuteBucketsInOneRun() {
    long end = NOW + MIN;
    WindowPlan plan = WindowPlan.of(end - HOUR, end, Resolution.DAY, NOW);
    assertEquals(List.of(new Run(Resolution.MINUTE, end - HOUR, NOW)), plan.runs());
    assertEquals(end - HOUR, plan.start());
    assertEquals(end, plan.end());
  }

  @Test
  void shouldUseHoursInTheMiddleOfADayAndMinutesAtTheEdges() {
    long end = NOW + MIN; // 10:31
    WindowPlan plan = WindowPlan.of(end - DAY, end, Resolution.DAY, NOW); // from yesterday 10:31
    long yesterday = NOW - DAY;
    assertEquals(List.of(
        new Run(Resolution.MINUTE, yesterday + MIN, yesterday + 29 * MIN), // 10:31..10:59
        new Run(Resolution.HOUR, yesterday + 30 * MIN, NOW - 30 * MIN - HOUR), // 11:00 .. 09:00
        new Run(Resolution.MINUTE, NOW - 30 * MIN, NOW)), // 10:00..10:30
        plan.runs());
  }

  @Test
  void shouldWidenToWholeHoursAndDaysWhereMinutesAndHoursHaveExpired() {
    long end = NOW + MIN;
    WindowPlan week = WindowPlan.of(end - 7 * DAY, end, Resolution.DAY, NOW);
    assertEquals(Resolution.HOUR, week.runs().get(0).resolution());
    assertEquals(NOW - 30 * MIN - 7 * DAY, week.start()); // 10:00 a week ago
    WindowPlan month = WindowPlan.of(end - 30 * DAY, end, Resolution.DAY, NOW);
    assertEquals(Resolution.DAY, month.runs().get(0).resolution());
    assertEquals(Resolution.DAY.bucketStart(end - 30 * DAY), month.start());
    assertEquals(end, month.end());
  }

  @Test
  void shouldNeverUseBucketsCoarserThanAsked() {
    long start = Resolution.DAY.bucketStart(NOW) - DAY;
    WindowPlan plan = WindowPlan.of(start, start + DAY, Resolution.HOUR, NOW);
    assertEquals(List.of(new Run(Resolution.HOUR, start, start + 23 * HOUR)), plan.runs());
  }

  @Test
  void shouldCoverAnOldHourWithTheEnclosingHourBucket() {
    long weekAgo = NOW - 7 * DAY; // 10:30 a week ago: minute buckets are gone
    WindowPlan plan = WindowPlan.of(weekAgo - HOUR + MIN, weekAgo + MIN, Resolution.DAY, NOW);
    assertEquals(List.of(new Run(Resolution.HOUR, weekAgo - 90 * MIN, weekAgo - 30 * MIN)), plan.runs());
    assertEquals(weekAgo - 90 * MIN, plan.start());
    assertEquals(weekAgo + 30 * MIN, plan.end());
  }
}
