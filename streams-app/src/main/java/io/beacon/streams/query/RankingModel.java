package io.beacon.streams.query;

/** How products are ranked. */
public enum RankingModel {
  /** By views in the window. */
  TOP_PRODUCTS("top-products"),
  /** By smoothed click-through rate in the window. */
  TOP_CTR("top-ctr");

  private final String id;

  RankingModel(String id) {
    this.id = id;
  }

  /** The name used in the API, e.g. {@code top-ctr}. */
  public String id() {
    return id;
  }
}
