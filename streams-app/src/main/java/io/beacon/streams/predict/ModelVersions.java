package io.beacon.streams.predict;

import java.util.List;

/** The candidate models' names, and the keys of their versions on the models topic. */
public final class ModelVersions {

  /** Logistic regression on hashed features, learned with FTRL-Proximal. */
  public static final String FTRL = "ftrl";
  /** The baseline: each product's smoothed click-through rate. */
  public static final String SMOOTHED_CTR = "smoothed-ctr";
  public static final List<String> MODELS = List.of(FTRL, SMOOTHED_CTR);
  /** The key of the pin on the model-pins topic: one champion serves every prediction. */
  public static final String CHAMPION = "champion";

  private ModelVersions() {}

  /** {@code ftrl/00000000000000000042}: a model's versions sort by number. */
  public static String key(String model, long version) {
    return model + "/" + String.format("%020d", version);
  }

  /** The first key of a model's versions. */
  public static String firstKey(String model) {
    return key(model, 0);
  }

  /** The last key a model's versions can have. */
  public static String lastKey(String model) {
    return key(model, Long.MAX_VALUE);
  }
}
