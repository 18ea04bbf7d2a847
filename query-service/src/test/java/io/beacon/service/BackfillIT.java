package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.service.backfill.BackfillCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill while live traffic runs, as a user would load one: 30 days of past events from a
 * JSON-lines file with {@code beacon backfill}, then the same file again. Every window then holds
 * exactly what was loaded into it, once; the second load changes nothing; an event counted live
 * and found again in the file counts once.
 */
@Tag("integration")
class BackfillIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  /** Days back of each backfilled product, and its views: b-{days} gets days + 1 views (b-0 one more, counted live). */
  static final List<Integer> DAYS_BACK = List.of(0, 1, 2, 3, 6, 10, 20);

  @TempDir Path dir;

  @Test
  void aBackfillCountsOnceIntoEveryBucketKeptForItsTimeWhileLiveTrafficRuns() throws Exception {
    try (BeaconUnderTest beacon = new BeaconUnderTest(KAFKA.bootstrapServers())) {
      beacon.start();
      beacon.registerActive("shop", "Shop");
      Instant now = Instant.now();
      // An event counted live three hours ago, that the logs hold as well.
      String counted = "{\"event_id\": \"live-0\", \"type\": \"view\", \"advertiser_id\": \"shop\", \"product_id\": \"b-0\","
          + " \"event_time\": \"" + now.minus(Duration.ofHours(3)) + "\"}";
      assertEquals(202, beacon.sendJson("POST", "/v1/events", "[" + counted + "]").statusCode());

      AtomicBoolean live = new AtomicBoolean(true);
      AtomicInteger liveSent = new AtomicInteger();
      Thread traffic = new Thread(() -> {
        while (live.get()) {
          try {
            String event = "{\"type\": \"view\", \"advertiser_id\": \"shop\", \"product_id\": \"live\"}";
            if (beacon.sendJson("POST", "/v1/events", "[" + event + "," + event + "]").statusCode() == 202) {
              liveSent.addAndGet(2);
            }
            Thread.sleep(20);
          } catch (Exception e) {
            return;
          }
        }
      }, "live-traffic");
      traffic.start();

      List<String> lines = new ArrayList<>();
      lines.add(counted);
      for (int days : DAYS_BACK) {
        // Three hours back on day 0: past the grace, so only a backfill counts it.
        Instant time = days == 0 ? now.minus(Duration.ofHours(3)) : now.minus(Duration.ofDays(days));
        for (int view = 0; view <= days; view++) {
          lines.add("{\"event_id\": \"b-" + days + "-" + view + "\", \"type\": \"view\", \"advertiser_id\": \"shop\","
              + " \"product_id\": \"b-" + days + "\", \"event_time\": " + time.plusSeconds(view).toEpochMilli() + "}");
        }
      }
      lines.add("{\"event_id\": \"no-time\", \"type\": \"view\", \"advertiser_id\": \"shop\", \"product_id\": \"b-0\"}");
      lines.add("");
      Path file = Files.write(dir.resolve("history.jsonl"), lines);
      int loaded = lines.size() - 2; // less the line without event_time, and the blank one

      String first = backfill(file, beacon, 1);
      assertTrue(first.contains("backfill: " + loaded + " events written"), first);
      assertTrue(first.contains("1 lines refused"), first);
      awaitDuplicates(beacon, 1); // the live event found again in the file
      Map<String, Long> once = expectBackfilledCounts(beacon, now);

      String again = backfill(file, beacon, 1);
      assertTrue(again.contains("backfill: " + loaded + " events written"), again);
      awaitDuplicates(beacon, 1 + loaded);
      assertEquals(once, expectBackfilledCounts(beacon, now), "loading the same file again changes no count");

      live.set(false);
      traffic.join();
      int liveCount = liveSent.get();
      Instant end = Instant.now().plusSeconds(60);
      BeaconUnderTest.await("live traffic counted", () -> views(beacon, "1h", end, "live") == liveCount);
    }
  }

  /**
   * State an earlier version left: its dedup changelog kept ids a few hours. A restore from it would
   * lose the ids a backfill is checked against, so Beacon raises its retention when it starts.
   */
  @Test
  void anOlderDedupChangelogIsMadeToKeepIdsAsLongAsTheStoreDoes() throws Exception {
    String applicationId = "beacon-backfill-upgrade-" + java.util.UUID.randomUUID();
    String changelog = applicationId + "-event-ids-changelog";
    java.util.Properties props = new java.util.Properties();
    props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    org.apache.kafka.common.config.ConfigResource topic =
        new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, changelog);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(changelog, 3, (short) 1)
          .configs(Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(Duration.ofHours(28).toMillis())))))
          .all().get();
      try (BeaconUnderTest beacon = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of("beacon.application-id", applicationId))) {
        beacon.start();
        long retention = Long.parseLong(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms").value());
        assertEquals(Duration.ofDays(35).plus(Duration.ofHours(2)).plus(Duration.ofDays(1)).toMillis(), retention,
            "35 days of day buckets, a dedup window either side, and Kafka Streams' extra day");
      }
    }
  }

  /** Runs {@code beacon backfill} as a user would; its standard output. */
  private static String backfill(Path file, BeaconUnderTest beacon, int expectedExit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = BackfillCommand.run(new String[] {file.toString(), "--url", beacon.baseUrl(), "--batch", "7"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(expectedExit, exit, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("event_time: is required in a backfill"), err.toString(StandardCharsets.UTF_8));
    return printed;
  }

  private static void awaitDuplicates(BeaconUnderTest beacon, long duplicates) throws Exception {
    BeaconUnderTest.await(duplicates + " duplicates", () -> {
      JsonNode stats = beacon.json("/v1/stats");
      return stats.at("/events/rejected/DUPLICATE").asLong() == duplicates && stats.path("lag").asLong() == 0;
    });
  }

  /**
   * Waits until every window holds exactly the backfilled views of its time, and gives them: the
   * 24h, 7d and 30d windows, and the 30-day daily series.
   */
  private static Map<String, Long> expectBackfilledCounts(BeaconUnderTest beacon, Instant now) throws Exception {
    Map<String, Long> counts = new LinkedHashMap<>();
    Instant at = now.plusSeconds(60);
    BeaconUnderTest.await("backfilled windows", () -> {
      counts.clear();
      for (int days : DAYS_BACK) {
        long views = days + 1 + (days == 0 ? 1 : 0); // b-0 has the live event too
        counts.put("24h b-" + days, views(beacon, "24h", at, "b-" + days));
        counts.put("7d b-" + days, views(beacon, "7d", at, "b-" + days));
        counts.put("30d b-" + days, views(beacon, "30d", at, "b-" + days));
        if (counts.get("24h b-" + days) != (days == 0 ? views : 0) || counts.get("7d b-" + days) != (days < 7 ? views : 0)
            || counts.get("30d b-" + days) != views) {
          return false;
        }
      }
      return true;
    });
    JsonNode series = beacon.json("/v1/advertisers/shop/stats?window=30d&step=1d&product=b-10&at=" + at);
    long daysWithViews = 0;
    for (JsonNode point : series.get("points")) {
      if (point.get("views").asLong() > 0) {
        daysWithViews++;
        assertEquals(11, point.get("views").asLong(), "the day of b-10: " + point);
        assertEquals(now.minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.DAYS), Instant.parse(point.get("start").asText()));
      }
    }
    assertEquals(1, daysWithViews);
    return counts;
  }

  /** The views of one product in a window ending at {@code at}, 0 when it is not ranked. */
  private static long views(BeaconUnderTest beacon, String window, Instant at, String product) throws Exception {
    JsonNode ranking = beacon.json("/v1/advertisers/shop/recommendations?model=top-products&n=100&window=" + window + "&at=" + at);
    for (JsonNode item : ranking.get("items")) {
      if (item.get("product_id").asText().equals(product)) {
        return item.get("views").asLong();
      }
    }
    return 0;
  }
}
