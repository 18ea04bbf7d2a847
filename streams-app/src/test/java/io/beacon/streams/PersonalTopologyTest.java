package io.beacon.streams;

import static io.beacon.streams.TopologyHarness.found;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.EventType;
import io.beacon.streams.personal.PersonalReader;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.ContentNeighbours;
import io.beacon.streams.query.PersonalItem;
import io.beacon.streams.query.PersonalRecommendations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Personal recommendations through the whole topology: what teaches the model, and what a user is shown. */
class PersonalTopologyTest {

  @TempDir Path stateDir;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);
  private TopologyHarness t;

  private void start(PersonalConfig personal) {
    t = new TopologyHarness(stateDir, now, personal);
    t.advertiser("adv-1", AdvertiserStatus.ACTIVE);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** Users u1..u3 viewed a then b; u4 viewed a then c; everyone viewed a. */
  private void tastes() {
    for (String user : List.of("u1", "u2", "u3")) {
      t.send("adv-1", user, "a", EventType.VIEW, now.minusSeconds(60));
      t.send("adv-1", user, "b", EventType.VIEW, now);
    }
    t.send("adv-1", "u4", "a", EventType.VIEW, now.minusSeconds(60));
    t.send("adv-1", "u4", "c", EventType.VIEW, now);
  }

  @Test
  void shouldRecommendWhatUsersWhoViewedTheSameAlsoViewedAndSayWhy() {
    start(PersonalConfig.defaults());
    tastes();
    t.send("adv-1", "me", "a", EventType.VIEW, now);

    PersonalRecommendations mine = found(t.queries.personal("adv-1", "me", 2, true));

    assertEquals(1, mine.historySize());
    assertEquals(List.of("b personal", "c personal"), mine.items().stream().map(i -> i.productId() + " " + i.source()).toList());
    assertEquals(List.of("a"), mine.items().get(0).because().stream().map(PersonalReader.Reason::productId).toList());
    List<PersonalReader.Related> related = found(t.queries.related("adv-1", "a", 10));
    assertEquals(List.of("b", "c"), related.stream().map(PersonalReader.Related::productId).toList());
    assertEquals(3.0, related.get(0).together(), 1e-9, "three users viewed a and b within the window");
  }

  @Test
  void shouldFillWithTheMostViewedForAUserWithoutHistoryAndLeaveOutWhatTheUserSaw() {
    start(PersonalConfig.defaults());
    tastes();

    PersonalRecommendations stranger = found(t.queries.personal("adv-1", "nobody-knows", 2, true));
    assertEquals(0, stranger.historySize());
    assertEquals(List.of("a popular", "b popular"), stranger.items().stream().map(i -> i.productId() + " " + i.source()).toList());

    t.send("adv-1", "me", "a", EventType.VIEW, now);
    PersonalRecommendations excluding = found(t.queries.personal("adv-1", "me", 3, true));
    assertTrue(excluding.items().stream().noneMatch(i -> i.productId().equals("a")), "seen: " + excluding.items());
    PersonalRecommendations including = found(t.queries.personal("adv-1", "me", 4, false));
    assertEquals(List.of("b personal", "c personal", "a popular"),
        including.items().stream().map(i -> i.productId() + " " + i.source()).toList(), "a is no neighbour of itself");
  }

  @Test
  void shouldKeepTheNewestProductsOfAHistoryAndWeighClicksMore() {
    start(new PersonalConfig(true, 2, Duration.ofDays(30), Duration.ofHours(24), 200, Duration.ofDays(7), 3.0, Duration.ZERO));
    tastes();
    t.send("adv-1", "u5", "c", EventType.VIEW, now);
    t.send("adv-1", "u5", "d", EventType.VIEW, now);
    t.send("adv-1", "me", "d", EventType.VIEW, now.minusSeconds(30));
    t.send("adv-1", "me", "a", EventType.CLICK, now.minusSeconds(20));
    t.send("adv-1", "me", "old", EventType.VIEW, now.minusSeconds(40)); // older than both: the history keeps d and a

    PersonalRecommendations mine = found(t.queries.personal("adv-1", "me", 1, true));
    assertEquals(2, mine.historySize());
    PersonalItem c = found(t.queries.personal("adv-1", "me", 3, true)).items().stream()
        .filter(i -> i.productId().equals("c")).findFirst().orElseThrow();
    assertEquals("a", c.because().get(0).productId(), "the click on a weighs 3, the view of d 1: " + c.because());
  }

  @Test
  void shouldFillSlotsTheCoOccurrencesLeaveWithProductsLikeTheHistoryByTextThenTheMostViewed() {
    start(PersonalConfig.defaults());
    tastes();
    t.send("adv-1", "me", "fresh", EventType.VIEW, now); // nobody has viewed it together with anything yet
    ContentNeighbours content = (advertiserId, productId, n) -> advertiserId.equals("adv-1") && productId.equals("fresh")
        ? List.of(new ContentNeighbours.Neighbour("x", 2.0), new ContentNeighbours.Neighbour("b", 1.0)) : List.of();
    BeaconQueries queries = new BeaconQueries(t.stateSource(), t.config, Clock.fixed(now, ZoneOffset.UTC), content);

    PersonalRecommendations mine = found(queries.personal("adv-1", "me", 4, true));

    assertEquals(List.of("x similar", "b similar", "a popular", "c popular"),
        mine.items().stream().map(i -> i.productId() + " " + i.source()).toList(), "fresh itself is seen, so left out");
    assertEquals(List.of("fresh"), mine.items().get(0).because().stream().map(PersonalReader.Reason::productId).toList());
    assertEquals(List.of("a popular", "b popular"), found(t.queries.personal("adv-1", "me", 2, true)).items().stream()
        .map(i -> i.productId() + " " + i.source()).toList(), "without text neighbours, straight to the most viewed");
  }

  @Test
  void shouldLearnOnlyFromCountedViewsAndClicksOfKnownUsers() {
    start(PersonalConfig.defaults());
    AdEvent first = t.send("adv-1", "u1", "a", EventType.VIEW, now);
    t.send(first); // a duplicate
    t.send("adv-1", "u1", "b", EventType.IMPRESSION, now); // not interest
    t.send("adv-1", "p-1", EventType.VIEW, now, 1); // no user
    t.send("adv-1", "u1", "late", EventType.VIEW, now.minus(Duration.ofHours(3))); // LATE
    t.send("adv-1", "u1", "c", EventType.VIEW, now);

    assertEquals(List.of("DUPLICATE", "LATE"), t.rejectedReasons());
    List<PersonalReader.Related> related = found(t.queries.related("adv-1", "a", 10));
    assertEquals(List.of("c"), related.stream().map(PersonalReader.Related::productId).toList());
    assertEquals(1.0, related.get(0).together(), 1e-9, "the duplicate added nothing");
    assertEquals(2, found(t.queries.personal("adv-1", "u1", 10, true)).historySize());
  }

  @Test
  void shouldDeleteTheHistoriesOfUsersIdleForLongerThanTheTtl() {
    start(new PersonalConfig(true, 50, Duration.ofHours(2), Duration.ofHours(24), 200, Duration.ofDays(7), 3.0, Duration.ZERO));
    t.send("adv-1", "idle", "a", EventType.VIEW, now.minus(Duration.ofHours(4)));
    t.send("adv-1", "idle", "b", EventType.VIEW, now.minus(Duration.ofHours(4)).plusSeconds(1));
    assertEquals(2, found(t.queries.personal("adv-1", "idle", 10, true)).historySize());
    // Others' views move stream time on an hour at a time; each hour the expiry runs.
    for (int hoursAgo = 3; hoursAgo >= 0; hoursAgo--) {
      t.send("adv-1", "active-" + hoursAgo, "a", EventType.VIEW, now.minus(Duration.ofHours(hoursAgo)));
    }

    assertEquals(0, found(t.queries.personal("adv-1", "idle", 10, true)).historySize(), "idle for 4 hours, the ttl 2");
    assertEquals(1, found(t.queries.personal("adv-1", "active-1", 10, true)).historySize(), "idle for 1 hour");
    assertEquals(List.of("b"), found(t.queries.related("adv-1", "a", 10)).stream().map(PersonalReader.Related::productId).toList(),
        "what idle users taught the co-occurrences stays, to decay");
  }
}
