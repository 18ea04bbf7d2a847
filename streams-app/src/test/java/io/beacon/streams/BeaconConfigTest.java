package io.beacon.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BeaconConfigTest {

  @Test
  void shouldRefuseADedupFilterBudgetBelowOneMebibyteNamingTheSetting() {
    BeaconConfig d = BeaconConfig.defaults("localhost:9092");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BeaconConfig(d.applicationId(),
        d.bootstrapServers(), d.topics(), d.stateDir(), d.processingGuarantee(), d.grace(), d.dedupWindow(), d.maxClockSkew(),
        d.ctrPriorImpressions(), d.ctrMinImpressions(), d.rocksDbCacheBytes(), 1024, d.personal(), d.predict(), d.kafka()));
    assertEquals("beacon.dedup-filter-bytes must be at least 1 MiB", e.getMessage());
  }

  @Test
  void shouldRefuseClickPredictionSettingsOutOfRangeNamingEach() {
    PredictConfig d = PredictConfig.defaults();
    assertEquals("beacon.predict.attribution-window must be a positive duration of at most 1d, was PT0S",
        assertThrows(IllegalArgumentException.class, () -> new PredictConfig(true, java.time.Duration.ZERO, d.featureBits(), d.alpha(),
            d.beta(), d.l1(), d.l2(), d.publishInterval(), d.selectionExamples(), d.threshold(), d.versionsKept())).getMessage());
    assertEquals("beacon.predict.feature-bits must be 10 to 22, was 30",
        assertThrows(IllegalArgumentException.class, () -> new PredictConfig(true, d.attributionWindow(), 30, d.alpha(), d.beta(),
            d.l1(), d.l2(), d.publishInterval(), d.selectionExamples(), d.threshold(), d.versionsKept())).getMessage());
    assertEquals("beacon.predict.threshold must be between 0 and 1, was 1.5",
        assertThrows(IllegalArgumentException.class, () -> new PredictConfig(true, d.attributionWindow(), d.featureBits(), d.alpha(),
            d.beta(), d.l1(), d.l2(), d.publishInterval(), d.selectionExamples(), 1.5, d.versionsKept())).getMessage());
    assertEquals("beacon.predict.publish-interval must be at least 1s, was PT0.5S",
        assertThrows(IllegalArgumentException.class, () -> new PredictConfig(true, d.attributionWindow(), d.featureBits(), d.alpha(),
            d.beta(), d.l1(), d.l2(), java.time.Duration.ofMillis(500), d.selectionExamples(), d.threshold(), d.versionsKept()))
            .getMessage());
  }
}
