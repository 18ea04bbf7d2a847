package io.beacon.streams.predict;

import io.beacon.avro.ModelVersion;
import io.beacon.streams.predict.ClickFeatures.Impression;
import java.util.List;

/**
 * A published model version, decoded to predict: FTRL's weights as a dense array over the hashed
 * feature space, or the baseline's counts. Immutable; shared by every request.
 */
public final class ServedModel {

  private final String model;
  private final long version;
  private final HashedFeatures features;
  private final float[] weights;
  private final SmoothedCtr baseline;

  private ServedModel(String model, long version, HashedFeatures features, float[] weights, SmoothedCtr baseline) {
    this.model = model;
    this.version = version;
    this.features = features;
    this.weights = weights;
    this.baseline = baseline;
  }

  /** The version's model; it must still have its weights. */
  public static ServedModel of(ModelVersion version, int priorImpressions) {
    if (version.getWeights() == null) {
      throw new IllegalArgumentException(version.getModel() + " version " + version.getVersion() + " has no weights any more");
    }
    HashedFeatures features = new HashedFeatures(version.getFeatureBits());
    return switch (version.getModel()) {
      case ModelVersions.FTRL -> new ServedModel(version.getModel(), version.getVersion(), features,
          SparseWeights.decode(version.getWeights(), features.dimension()), null);
      case ModelVersions.SMOOTHED_CTR -> new ServedModel(version.getModel(), version.getVersion(), features, null,
          SmoothedCtr.fromPublished(priorImpressions, SparseWeights.decode(version.getWeights(), 2 * features.dimension())));
      default -> throw new IllegalArgumentException("unknown model " + version.getModel());
    };
  }

  public String model() {
    return model;
  }

  public long version() {
    return version;
  }

  /**
   * The predictions of the candidate products of one request: impressions of the same advertiser,
   * placement, time and context. The features they share are hashed once.
   */
  public double[] predictEach(List<Impression> sameMoment) {
    double[] predictions = new double[sameMoment.size()];
    if (sameMoment.isEmpty()) {
      return predictions;
    }
    int[] moment = baseline != null ? null : features.coordinates(ClickFeatures.ofMoment(sameMoment.get(0)));
    for (int k = 0; k < predictions.length; k++) {
      Impression impression = sameMoment.get(k);
      predictions[k] = baseline != null ? predict(impression)
          : margin(features.coordinates(moment, ClickFeatures.ofProduct(impression)));
    }
    return predictions;
  }

  /** The predicted probability that the impression is clicked, as the model learned it. */
  public double predict(Impression impression) {
    if (baseline != null) {
      return baseline.predict(features.coordinate(ClickFeatures.product(impression.advertiserId(), impression.productId())),
          features.coordinate(ClickFeatures.advertiser(impression.advertiserId())));
    }
    return margin(features.coordinates(ClickFeatures.of(impression)));
  }

  private double margin(int[] coordinates) {
    double margin = 0;
    for (int i : coordinates) {
      margin += weights[i];
    }
    return FtrlProximal.sigmoid(margin);
  }
}
