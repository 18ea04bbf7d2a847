package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import io.beacon.streams.predict.ClickFeatures.Impression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServedModelTest {

  private static final int BITS = 12;
  private static final Instant AT = Instant.parse("2026-12-01T09:30:00Z");

  @Test
  void shouldPredictTheCandidatesOfOneRequestAsEachAlone() {
    HashedFeatures hashed = new HashedFeatures(BITS);
    FtrlProximal ftrl = new FtrlProximal(new FtrlProximal.Settings(0.1, 1, 0.1, 0.1), hashed.dimension());
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 3000; i++) {
      Impression shown = new Impression("a", "p" + random.nextInt(50), null, random.nextBoolean() ? "top" : "side", AT,
          Map.of("device", random.nextBoolean() ? "mobile" : "desktop"), null);
      ftrl.learn(hashed.coordinates(ClickFeatures.of(shown)), random.nextDouble() < 0.1);
    }
    ModelMetrics none = new ModelMetrics(0L, 0L, 0.0, 0.0, null, 0L, 0.0, Map.of());
    ServedModel served = ServedModel.of(new ModelVersion(ModelVersions.FTRL, 1L, AT, BITS, none, SparseWeights.encode(ftrl.weights())),
        100);
    List<Impression> candidates = new ArrayList<>();
    for (int p = 0; p < 60; p++) { // ten never seen
      candidates.add(new Impression("a", "p" + p, p % 7 == 0 ? "spring" : null, "top", AT, Map.of("device", "mobile"), null));
    }
    double[] together = served.predictEach(candidates);
    for (int k = 0; k < candidates.size(); k++) {
      assertEquals(served.predict(candidates.get(k)), together[k], 1e-12, candidates.get(k).productId());
      assertEquals(ftrl.predict(hashed.coordinates(ClickFeatures.of(candidates.get(k)))), together[k], 1e-6, "as the trainer predicts");
    }
  }
}
