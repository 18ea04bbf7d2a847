package io.beacon.streams.predict;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which model version {@code predict} serves: the pinned one while a pin names a version that
 * still has its weights; otherwise the latest version of the model with the lower log loss over
 * the latest examples (progressive validation on the same examples for both), FTRL on a tie.
 */
public final class Champion {

  private Champion() {}

  /** The version chosen, and why, in words for the API. */
  public record Choice(ModelVersion version, String reason) {}

  /**
   * @param pin the pin, or null
   * @param pinned the version the pin names, or null when there is no pin or it is gone
   * @param latest the latest version of each model that has its weights
   */
  public static Optional<Choice> choose(ChampionPin pin, ModelVersion pinned, List<ModelVersion> latest) {
    if (pin != null && pinned != null && pinned.getWeights() != null) {
      return Optional.of(new Choice(pinned, "pinned"));
    }
    return latest.stream()
        .filter(v -> v.getWeights() != null && v.getMetrics().getRecentExamples() > 0)
        .min(Comparator.comparingDouble((ModelVersion v) -> recentLogLoss(v.getMetrics()))
            .thenComparing(v -> !v.getModel().equals(ModelVersions.FTRL)))
        .map(v -> new Choice(v, "lower log loss over the latest " + v.getMetrics().getRecentExamples() + " examples"
            + (pin != null ? " (the pinned version has no weights any more)" : "")));
  }

  public static double recentLogLoss(ModelMetrics metrics) {
    return metrics.getRecentExamples() == 0 ? Double.NaN : metrics.getRecentLogLossSum() / metrics.getRecentExamples();
  }
}
