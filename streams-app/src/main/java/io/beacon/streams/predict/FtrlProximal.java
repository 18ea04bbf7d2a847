package io.beacon.streams.predict;

/**
 * Logistic regression learned online with FTRL-Proximal (McMahan et al., "Ad Click Prediction: a
 * View from the Trenches", KDD 2013, Algorithm 1): per-coordinate learning rates, L1 and L2
 * regularisation, over a hashed feature space in which each example's features are indices with
 * value 1. Each coordinate keeps {@code z} and {@code n}; its weight is derived from them when
 * asked, and is exactly 0 while {@code |z| ≤ λ1}, so rare features cost nothing to score.
 *
 * <p>Not thread-safe: one writer learns; readers predict from published {@link #weights()}.
 */
public final class FtrlProximal {

  /**
   * @param alpha learning rate scale (α)
   * @param beta learning rate smoothing (β, 1 in the paper)
   * @param l1 L1 strength (λ1): weights of features seen rarely stay 0
   * @param l2 L2 strength (λ2)
   */
  public record Settings(double alpha, double beta, double l1, double l2) {
    public Settings {
      if (!(alpha > 0) || !(beta >= 0) || !(l1 >= 0) || !(l2 >= 0)) {
        throw new IllegalArgumentException("FTRL needs alpha > 0 and beta, l1, l2 >= 0; were " + alpha + ", " + beta + ", " + l1
            + ", " + l2);
      }
    }
  }

  /** Beyond this the logistic function is 0 or 1 to double precision; clamping keeps log loss finite. */
  private static final double MAX_MARGIN = 35;

  private final Settings settings;
  private final double[] z;
  private final double[] n;

  /** A model of {@code dimension} coordinates, all weights 0 (every prediction 0.5). */
  public FtrlProximal(Settings settings, int dimension) {
    this(settings, new double[dimension], new double[dimension]);
  }

  private FtrlProximal(Settings settings, double[] z, double[] n) {
    this.settings = settings;
    this.z = z;
    this.n = n;
  }

  public int dimension() {
    return z.length;
  }

  /** The weight of coordinate {@code i}, from its z and n (Algorithm 1, the per-coordinate closed form). */
  public double weight(int i) {
    double zi = z[i];
    if (Math.abs(zi) <= settings.l1()) {
      return 0;
    }
    return -(zi - Math.signum(zi) * settings.l1()) / ((settings.beta() + Math.sqrt(n[i])) / settings.alpha() + settings.l2());
  }

  /** The predicted probability of a click for an example with these features. */
  public double predict(int[] features) {
    double margin = 0;
    for (int i : features) {
      margin += weight(i);
    }
    return sigmoid(margin);
  }

  /**
   * Learns one example and returns what the model predicted for it before learning it, which
   * progressive validation scores.
   */
  public double learn(int[] features, boolean clicked) {
    double[] weights = new double[features.length];
    double margin = 0;
    for (int k = 0; k < features.length; k++) {
      weights[k] = weight(features[k]);
      margin += weights[k];
    }
    double p = sigmoid(margin);
    double g = p - (clicked ? 1 : 0); // the gradient of log loss for each feature of value 1
    for (int k = 0; k < features.length; k++) {
      int i = features[k];
      double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / settings.alpha();
      z[i] += g - sigma * weights[k];
      n[i] += g * g;
    }
    return p;
  }

  /** Coordinate {@code i}'s state, z then n, as {@link #restore} takes it. */
  public double[] state(int i) {
    return new double[] {z[i], n[i]};
  }

  /** Sets coordinate {@code i}'s state as {@link #state} gave it. */
  public void restore(int i, double zi, double ni) {
    z[i] = zi;
    n[i] = ni;
  }

  /** Every weight, 0 for the coordinates L1 keeps out. */
  public float[] weights() {
    float[] weights = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      weights[i] = (float) weight(i);
    }
    return weights;
  }

  public static double sigmoid(double margin) {
    double clamped = Math.max(-MAX_MARGIN, Math.min(MAX_MARGIN, margin));
    return 1 / (1 + Math.exp(-clamped));
  }
}
