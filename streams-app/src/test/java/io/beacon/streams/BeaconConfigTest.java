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
}
