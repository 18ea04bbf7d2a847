package io.beacon.streams.predict;

/**
 * The baseline candidate: the smoothed click-through rate that ranks top-CTR products, learned from
 * the same examples as FTRL. A product's rate is pulled toward its advertiser's by {@code prior}
 * impressions, and an advertiser's toward the rate of all examples by as many; the rate of all
 * examples starts from one click in two impressions (Laplace). Counts are kept per coordinate of
 * the hashed product and advertiser features, coordinate 0 holding all examples'.
 */
public final class SmoothedCtr {

  private final double prior;
  private final double[] impressions;
  private final double[] clicks;

  public SmoothedCtr(double priorImpressions, int dimension) {
    this(priorImpressions, new double[dimension], new double[dimension]);
  }

  private SmoothedCtr(double priorImpressions, double[] impressions, double[] clicks) {
    this.prior = priorImpressions;
    this.impressions = impressions;
    this.clicks = clicks;
  }

  /** The model a published version holds: {@link #published()}'s values back. */
  public static SmoothedCtr fromPublished(double priorImpressions, float[] published) {
    int dimension = published.length / 2;
    double[] impressions = new double[dimension];
    double[] clicks = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      impressions[i] = published[i];
      clicks[i] = published[dimension + i];
    }
    return new SmoothedCtr(priorImpressions, impressions, clicks);
  }

  /** The predicted rate of a product (its coordinate) of an advertiser (its coordinate). */
  public double predict(int product, int advertiser) {
    double all = (clicks[0] + 1) / (impressions[0] + 2);
    double ofAdvertiser = (clicks[advertiser] + prior * all) / (impressions[advertiser] + prior);
    return (clicks[product] + prior * ofAdvertiser) / (impressions[product] + prior);
  }

  /** Learns one example and returns what it predicted before. */
  public double learn(int product, int advertiser, boolean clicked) {
    double p = predict(product, advertiser);
    int click = clicked ? 1 : 0;
    for (int i : new int[] {0, advertiser, product}) {
      impressions[i]++;
      clicks[i] += click;
    }
    return p;
  }

  /** Coordinate {@code i}'s state, impressions then clicks. */
  public double[] state(int i) {
    return new double[] {impressions[i], clicks[i]};
  }

  public void restore(int i, double impressionsAt, double clicksAt) {
    impressions[i] = impressionsAt;
    clicks[i] = clicksAt;
  }

  /** The impressions of every coordinate, then the clicks, as a version publishes them. */
  public float[] published() {
    int dimension = impressions.length;
    float[] published = new float[2 * dimension];
    for (int i = 0; i < dimension; i++) {
      published[i] = (float) impressions[i];
      published[dimension + i] = (float) clicks[i];
    }
    return published;
  }
}
