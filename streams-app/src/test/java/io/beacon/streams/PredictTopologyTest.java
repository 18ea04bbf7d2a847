package io.beacon.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.ChampionPin;
import io.beacon.avro.EventType;
import io.beacon.avro.Example;
import io.beacon.avro.ModelVersion;
import io.beacon.streams.predict.ClickAttribution;
import io.beacon.streams.predict.ModelVersions;
import io.beacon.streams.query.ClickPredictions;
import io.beacon.streams.query.QueryResult;
import java.time.Clock;
import java.time.ZoneOffset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Click attribution and the models' training through the whole topology. */
class PredictTopologyTest {

  private static final Duration WINDOW = PredictConfig.defaults().attributionWindow();

  @TempDir Path stateDir;
  /** When the impressions are: two hours before the wall clock, so that a click a window later is not in the future. */
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));
  private TopologyHarness t;

  @BeforeEach
  void start() {
    t = new TopologyHarness(stateDir, now.plus(Duration.ofHours(2)), c -> c);
    t.advertiser("adv-1", AdvertiserStatus.ACTIVE);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private AdEvent impression(String user, String product, Instant at) {
    return t.send("adv-1", user, product, EventType.IMPRESSION, at);
  }

  private AdEvent click(String user, String product, Instant at) {
    return t.send("adv-1", user, product, EventType.CLICK, at);
  }

  /** Moves stream time on by an event of an unrelated product, far enough that every window up to {@code time} closed. */
  private void streamTimeTo(Instant time) {
    t.send("adv-1", "someone-else", "elsewhere", EventType.VIEW, time);
  }

  private List<String> examples() {
    return t.examples.readValuesToList().stream().map(e -> e.getImpressionId() + (e.getClicked() ? " clicked" : " not clicked")).toList();
  }

  @Test
  void shouldLabelAnImpressionClickedWhenItsUserClicksWithinTheWindowAndNotClickedWhenTheWindowCloses() {
    AdEvent ignored = impression("u2", "p1", now);
    AdEvent shown = impression("u1", "p1", now.plusSeconds(1));
    AdEvent lastMoment = impression("u3", "p1", now.plusSeconds(2));
    click("u1", "p1", now.plusSeconds(5));
    assertEquals(List.of(), examples(), "labelled when the window closes, clicked or not");

    click("u3", "p1", now.plusSeconds(2).plus(WINDOW)); // at the window's very end: counts
    streamTimeTo(now.plusSeconds(2).plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    assertEquals(List.of(ignored.getEventId() + " not clicked", shown.getEventId() + " clicked", lastMoment.getEventId() + " clicked"),
        examples(), "in the order of the impressions, however early their clicks");
  }

  @Test
  void shouldKeepTheImpressionsFeaturesInItsExample() {
    AdEvent shown = AdEvent.newBuilder(t.event("adv-1", "p1", EventType.IMPRESSION, now)).setUserId("u1").setPlacement("top")
        .setCampaignId("spring").setContext(Map.of("device", "mobile")).build();
    t.send(shown);
    click("u1", "p1", now.plusSeconds(5));
    streamTimeTo(now.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));

    Example example = t.examples.readValue();
    assertEquals("top", example.getPlacement());
    assertEquals("spring", example.getCampaignId());
    assertEquals(Map.of("device", "mobile"), example.getContext());
    assertEquals(now, example.getImpressionTime());
    assertTrue(example.getClicked());
  }

  @Test
  void shouldNotAttributeAClickAfterTheWindowOrBeforeAnyImpressionOrWithoutAUser() {
    AdEvent shown = impression("u1", "p1", now);
    click("u1", "p1", now.plus(WINDOW).plusSeconds(1));
    click("u1", "p2", now);
    t.send(t.event("adv-1", "p1", EventType.CLICK, now));
    t.send(t.event("adv-1", "p1", EventType.IMPRESSION, now));

    assertEquals(List.of("adv-1 IMPRESSION_PENDING", "adv-1 CLICK_UNATTRIBUTED", "adv-1 CLICK_UNATTRIBUTED", "adv-1 CLICK_UNATTRIBUTED",
        "adv-1 IMPRESSION_WITHOUT_USER"), t.attributed);
    streamTimeTo(now.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    assertEquals(List.of(shown.getEventId() + " not clicked"), examples(), "the late click left the impression unclicked, nothing else");
  }

  @Test
  void shouldAttributeAClickOnceWhenItIsSentTwiceOrClickedAgain() {
    AdEvent shown = impression("u1", "p1", now);
    AdEvent clicked = click("u1", "p1", now.plusSeconds(5));
    t.send(clicked); // the same event again: a duplicate, not counted
    click("u1", "p1", now.plusSeconds(6)); // another click on the same impression

    assertTrue(t.heard.contains("rejected adv-1 DUPLICATE"));
    assertEquals(List.of("adv-1 IMPRESSION_PENDING", "adv-1 CLICK_ATTRIBUTED", "adv-1 CLICK_UNATTRIBUTED"), t.attributed);
    streamTimeTo(now.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    assertEquals(List.of(shown.getEventId() + " clicked"), examples(), "one example, clicked");
  }

  @Test
  void shouldAttributeAClickToTheLatestImpressionOfItsUserAndProduct() {
    AdEvent first = impression("u1", "p1", now);
    AdEvent second = impression("u1", "p1", now.plusSeconds(60));
    AdEvent older = impression("u1", "p1", now.plusSeconds(30)); // arrives late: the newer one gets the click
    click("u1", "p1", now.plusSeconds(90));
    streamTimeTo(now.plusSeconds(60).plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    assertEquals(List.of(first.getEventId() + " not clicked", older.getEventId() + " not clicked", second.getEventId() + " clicked"),
        examples());
  }

  @Test
  void shouldLabelEveryImpressionWhenStreamTimeJumpsPastTheRetention() {
    AdEvent early = impression("u1", "p1", now);
    click("u1", "p1", now.plusSeconds(1));
    // Written at once after a jump of stream time far past the retention: the store would drop the
    // early impression's segment as it writes this one, were it not closed first.
    AdEvent late = impression("u2", "p1", now.plus(Duration.ofHours(1)));
    assertEquals(List.of(early.getEventId() + " clicked"), examples());
    streamTimeTo(now.plus(Duration.ofHours(1)).plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    assertEquals(List.of(late.getEventId() + " not clicked"), examples());
  }

  @Test
  void shouldPublishBothModelsAsAVersionWithTheirProgressiveMetricsOnlyWhenTheyLearnedSomething() {
    for (int u = 0; u < 20; u++) {
      impression("u" + u, "p1", now);
      if (u % 4 == 0) {
        click("u" + u, "p1", now.plusSeconds(1));
      }
    }
    streamTimeTo(now.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    t.driver.advanceWallClockTime(t.config.predict().publishInterval());

    Map<String, ModelVersion> published = t.models.readKeyValuesToMap();
    assertEquals(List.of(ModelVersions.key(ModelVersions.FTRL, 1), ModelVersions.key(ModelVersions.SMOOTHED_CTR, 1)),
        published.keySet().stream().sorted().toList());
    for (ModelVersion version : published.values()) {
      assertEquals(1, version.getVersion());
      assertEquals(20, version.getMetrics().getExamples());
      assertEquals(5, version.getMetrics().getClicks());
      assertEquals(20, version.getMetrics().getPlacements().get("(none)").getExamples());
      assertNotNull(version.getWeights());
    }
    t.driver.advanceWallClockTime(t.config.predict().publishInterval());
    assertTrue(t.models.isEmpty(), "nothing learned since version 1");
  }

  @Test
  void shouldWriteAVersionAgainWithoutItsWeightsOnceVersionsKeptNewerOnesWerePublished() {
    int kept = t.config.predict().versionsKept();
    for (int v = 1; v <= kept + 1; v++) {
      // Each version's impression a window after the last, all before the wall clock.
      Instant time = now.minus(Duration.ofHours(8)).plus(WINDOW.plus(ClickAttribution.CLOSE_INTERVAL.multipliedBy(2)).multipliedBy(v));
      impression("u" + v, "p1", time);
      click("u" + v, "p1", time.plusSeconds(1));
      streamTimeTo(time.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
      t.driver.advanceWallClockTime(t.config.predict().publishInterval());
    }
    List<ModelVersion> published = t.models.readValuesToList();
    List<ModelVersion> retired = published.stream().filter(v -> v.getWeights() == null).toList();
    assertEquals(2, retired.size(), "one of each model");
    assertTrue(retired.stream().allMatch(v -> v.getVersion() == 1 && v.getMetrics().getExamples() == 1));
    assertNull(published.get(published.size() - 1).getWeights());
  }

  @Test
  void shouldPredictWithTheChampionAHigherRateForTheProductUsersClickAndServeAPinnedVersion() {
    for (int u = 0; u < 200; u++) {
      impression("u" + u, "often", now);
      impression("u" + u, "rarely", now);
      if (u % 2 == 0) {
        click("u" + u, "often", now.plusSeconds(1));
      }
    }
    streamTimeTo(now.plus(WINDOW).plus(ClickAttribution.CLOSE_INTERVAL));
    t.driver.advanceWallClockTime(t.config.predict().publishInterval());
    ClickPredictions predictions = new ClickPredictions(t.stateSource(), t.config.ctrPriorImpressions(),
        Clock.fixed(t.now, ZoneOffset.UTC));

    ClickPredictions.Answer answer = TopologyHarness.found(predictions.predict("adv-1", null, null, null,
        List.of(new ClickPredictions.Candidate("rarely", null), new ClickPredictions.Candidate("often", null))));
    assertEquals(1, answer.version());
    assertEquals(List.of("rarely", "often"), answer.predictions().stream().map(ClickPredictions.Prediction::productId).toList());
    assertTrue(answer.predictions().get(1).pctr() > 1.3 * answer.predictions().get(0).pctr(), answer.toString());

    t.pins.pipeInput(ModelVersions.CHAMPION, new ChampionPin(ModelVersions.SMOOTHED_CTR, 1L, now, "admin-key"));
    ClickPredictions later = new ClickPredictions(t.stateSource(), t.config.ctrPriorImpressions(),
        Clock.fixed(t.now.plusSeconds(1), ZoneOffset.UTC));
    ClickPredictions.Answer pinned = TopologyHarness.found(later.predict("adv-1", null, null, null,
        List.of(new ClickPredictions.Candidate("often", null))));
    assertEquals(ModelVersions.SMOOTHED_CTR + " 1 pinned", pinned.model() + " " + pinned.version() + " " + pinned.reason());
  }

  @Test
  void shouldSayThereIsNoModelYetRatherThanPredict() {
    ClickPredictions predictions = new ClickPredictions(t.stateSource(), 100, Clock.systemUTC());
    QueryResult<ClickPredictions.Answer> answer = predictions.predict("adv-1", null, null, null,
        List.of(new ClickPredictions.Candidate("p1", null)));
    assertTrue(answer instanceof QueryResult.NotReady<ClickPredictions.Answer> notReady
        && notReady.reason().startsWith("no model version yet"), answer.toString());
  }
}
