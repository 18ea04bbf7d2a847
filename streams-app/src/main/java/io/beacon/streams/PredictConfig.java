package io.beacon.streams;

import java.time.Duration;

/**
 * Click prediction (the {@code beacon.predict.*} settings).
 *
 * @param enabled whether impressions and clicks are attributed and the models learn; off, {@code
 *     predict} has no model to answer with
 * @param attributionWindow a click is attributed to the user's latest impression of the product
 *     at most this long before it (event time); an impression not clicked within it is a negative
 * @param featureBits the hashed feature space has {@code 2^featureBits} coordinates
 * @param alpha FTRL-Proximal's learning rate scale
 * @param beta FTRL-Proximal's learning rate smoothing
 * @param l1 FTRL-Proximal's L1 strength: features seen too rarely keep weight 0
 * @param l2 FTRL-Proximal's L2 strength
 * @param publishInterval how often, in wall-clock time, the models that learned something are
 *     published as new versions; every instance predicts with one at most this far behind
 * @param selectionExamples the champion is the model with the lower log loss over this many of
 *     the latest examples, unless one is pinned
 * @param threshold {@code predict} answers {@code prediction: 1} ({@code "click"}) when the
 *     predicted click-through rate is at least this
 * @param versionsKept the latest versions of each model that keep their weights; older ones keep
 *     their figures only, and cannot be pinned
 */
public record PredictConfig(boolean enabled, Duration attributionWindow, int featureBits, double alpha, double beta, double l1,
    double l2, Duration publishInterval, int selectionExamples, double threshold, int versionsKept) {

  public PredictConfig {
    if (attributionWindow == null || attributionWindow.isNegative() || attributionWindow.isZero()
        || attributionWindow.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("beacon.predict.attribution-window must be a positive duration of at most 1d, was "
          + attributionWindow);
    }
    if (featureBits < 10 || featureBits > 22) {
      throw new IllegalArgumentException("beacon.predict.feature-bits must be 10 to 22, was " + featureBits);
    }
    if (!(alpha > 0) || !(beta >= 0) || !(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(alpha + beta + l1 + l2)) {
      throw new IllegalArgumentException("beacon.predict.alpha must be > 0 and beacon.predict.beta, l1, l2 >= 0; were "
          + alpha + ", " + beta + ", " + l1 + ", " + l2);
    }
    if (publishInterval == null || publishInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("beacon.predict.publish-interval must be at least 1s, was " + publishInterval);
    }
    if (selectionExamples < 100) {
      throw new IllegalArgumentException("beacon.predict.selection-examples must be at least 100, was " + selectionExamples);
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("beacon.predict.threshold must be between 0 and 1, was " + threshold);
    }
    if (versionsKept < 1 || versionsKept > 1000) {
      throw new IllegalArgumentException("beacon.predict.versions-kept must be 1 to 1000, was " + versionsKept);
    }
  }

  /** The defaults {@code application.yml} documents. */
  public static PredictConfig defaults() {
    return new PredictConfig(true, Duration.ofMinutes(30), 20, 0.1, 1, 0.1, 0.1, Duration.ofSeconds(10), 100_000, 0.5, 10);
  }

  /** The same settings with learning off. */
  public PredictConfig disabled() {
    return new PredictConfig(false, attributionWindow, featureBits, alpha, beta, l1, l2, publishInterval, selectionExamples, threshold,
        versionsKept);
  }

  /** The same settings publishing at another interval. */
  public PredictConfig publishingEvery(Duration interval) {
    return new PredictConfig(enabled, attributionWindow, featureBits, alpha, beta, l1, l2, interval, selectionExamples, threshold,
        versionsKept);
  }
}
