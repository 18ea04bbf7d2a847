package io.beacon.streams;

/** Names of Beacon's topics, all under one configurable prefix (default {@code beacon.}). */
public record BeaconTopics(String prefix) {

  public static final String DEFAULT_PREFIX = "beacon.";

  public BeaconTopics {
    if (prefix == null) {
      throw new IllegalArgumentException("topic prefix must not be null (use \"\" for none)");
    }
  }

  /** Tracking events, keyed by advertiser id, value {@code AdEvent}. */
  public String events() {
    return prefix + "events";
  }

  /** Compacted advertiser table, keyed by advertiser id, value {@code Advertiser}. */
  public String advertisers() {
    return prefix + "advertisers";
  }

  /** Compacted product catalog, keyed by product id, value {@code Product}. */
  public String products() {
    return prefix + "products";
  }

  /** Events that were read but not counted, with header {@value RejectReason#HEADER}. */
  public String rejected() {
    return prefix + "events.rejected";
  }

  /** Records on the events topic that could not be read at all, raw bytes with the error in headers. */
  public String dlq() {
    return prefix + "events.dlq";
  }

  /** Compacted versions of the click-prediction models, keyed by model and version, value {@code ModelVersion}. */
  public String models() {
    return prefix + "models";
  }

  /** Compacted: the pinned champion under the key {@code champion}, value {@code ChampionPin}; a tombstone unpins. */
  public String modelPins() {
    return prefix + "model-pins";
  }
}
