package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChampionTest {

  private static ModelVersion version(String model, long version, double recentLogLoss, boolean weights) {
    ModelMetrics metrics = new ModelMetrics(1000L, 20L, 100.0, 20.0, 0.7, 100L, 100 * recentLogLoss, Map.of());
    return new ModelVersion(model, version, Instant.EPOCH, 10, metrics, weights ? ByteBuffer.allocate(4) : null);
  }

  private static String chosen(ChampionPin pin, ModelVersion pinned, List<ModelVersion> latest) {
    Optional<Champion.Choice> choice = Champion.choose(pin, pinned, latest);
    return choice.map(c -> c.version().getModel() + " " + c.version().getVersion()).orElse("none");
  }

  @Test
  void shouldChooseTheLowerRecentLogLossAndFtrlOnATie() {
    assertEquals("smoothed-ctr 7", chosen(null, null, List.of(version("ftrl", 7, 0.2, true), version("smoothed-ctr", 7, 0.1, true))));
    assertEquals("ftrl 7", chosen(null, null, List.of(version("smoothed-ctr", 7, 0.1, true), version("ftrl", 7, 0.1, true))));
    assertEquals("none", chosen(null, null, List.of()));
  }

  @Test
  void shouldServeThePinnedVersionWhileItHasItsWeights() {
    List<ModelVersion> latest = List.of(version("ftrl", 9, 0.1, true), version("smoothed-ctr", 9, 0.2, true));
    ChampionPin pin = new ChampionPin("smoothed-ctr", 3L, Instant.EPOCH, null);
    assertEquals("smoothed-ctr 3", chosen(pin, version("smoothed-ctr", 3, 0.5, true), latest));
    assertEquals("ftrl 9", chosen(pin, version("smoothed-ctr", 3, 0.5, false), latest), "retired: chosen again");
    assertEquals("ftrl 9", chosen(pin, null, latest), "gone");
  }
}
