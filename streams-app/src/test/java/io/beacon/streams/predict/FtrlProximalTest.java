package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FTRL-Proximal against a literal transcription of Algorithm 1 of the paper, and on what it should learn. */
class FtrlProximalTest {

  private static final FtrlProximal.Settings SETTINGS = new FtrlProximal.Settings(0.1, 1.0, 0.5, 1.0);

  /** Algorithm 1 of McMahan et al. (2013), per-coordinate, written as the paper states it, for binary features. */
  private static final class Reference {
    final double alpha = SETTINGS.alpha();
    final double beta = SETTINGS.beta();
    final double lambda1 = SETTINGS.l1();
    final double lambda2 = SETTINGS.l2();
    final double[] z;
    final double[] n;

    Reference(int dimension) {
      z = new double[dimension];
      n = new double[dimension];
    }

    double w(int i) {
      return Math.abs(z[i]) <= lambda1 ? 0 : -1 / ((beta + Math.sqrt(n[i])) / alpha + lambda2) * (z[i] - Math.signum(z[i]) * lambda1);
    }

    double step(int[] x, int y) {
      double[] w = new double[z.length];
      double dot = 0;
      for (int i : x) {
        w[i] = w(i);
        dot += w[i];
      }
      double p = 1 / (1 + Math.exp(-dot));
      for (int i : x) {
        double g = (p - y) * 1;
        double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / alpha;
        z[i] = z[i] + g - sigma * w[i];
        n[i] = n[i] + g * g;
      }
      return p;
    }
  }

  @Test
  void shouldFollowAlgorithmOneOfThePaperStepByStep() {
    FtrlProximal model = new FtrlProximal(SETTINGS, 64);
    Reference reference = new Reference(64);
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 5_000; t++) {
      int[] x = random.ints(4, 0, 64).distinct().sorted().toArray();
      boolean y = random.nextDouble() < (x[0] < 16 ? 0.7 : 0.1);
      assertEquals(reference.step(x, y ? 1 : 0), model.learn(x, y), 1e-12, "prediction before learning, step " + t);
    }
    for (int i = 0; i < 64; i++) {
      assertEquals(reference.w(i), model.weight(i), 1e-12, "weight " + i);
    }
  }

  @Test
  void shouldLearnClickRatesOfFeaturesAndKeepRareOnesAtZero() {
    FtrlProximal model = new FtrlProximal(new FtrlProximal.Settings(0.1, 1.0, 1.0, 1.0), 16);
    SplittableRandom random = new SplittableRandom(5);
    for (int t = 0; t < 200_000; t++) {
      boolean top = random.nextBoolean();
      model.learn(new int[] {0, top ? 1 : 2}, random.nextDouble() < (top ? 0.2 : 0.02));
    }
    model.learn(new int[] {0, 3}, true); // seen once
    assertEquals(0.2, model.predict(new int[] {0, 1}), 0.02);
    assertEquals(0.02, model.predict(new int[] {0, 2}), 0.01);
    assertEquals(0.0, model.weight(3), "L1 keeps a feature seen once at exactly 0");
    assertEquals(0.0, model.weight(15), "never seen");
  }

  @Test
  void shouldPredictTheSameFromARestoredStateAndFromItsPublishedWeights() {
    FtrlProximal model = new FtrlProximal(SETTINGS, 8);
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 500; t++) {
      model.learn(new int[] {0, 1 + random.nextInt(7)}, random.nextDouble() < 0.3);
    }
    FtrlProximal restored = new FtrlProximal(SETTINGS, 8);
    for (int i = 0; i < 8; i++) {
      double[] state = model.state(i);
      restored.restore(i, state[0], state[1]);
    }
    float[] weights = model.weights();
    for (int f = 1; f < 8; f++) {
      int[] features = {0, f};
      assertEquals(model.predict(features), restored.predict(features));
      assertEquals(model.predict(features), FtrlProximal.sigmoid(weights[0] + weights[f]), 1e-6);
    }
    model.learn(new int[] {0, 1}, true);
    restored.learn(new int[] {0, 1}, true);
    assertEquals(model.predict(new int[] {0, 1}), restored.predict(new int[] {0, 1}), "learns on from the restored state alike");
  }
}
