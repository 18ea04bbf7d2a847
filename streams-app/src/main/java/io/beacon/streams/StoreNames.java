package io.beacon.streams;

/**
 * Names of Beacon's state stores. A store's name also names its changelog topic, so renaming one
 * loses its state in production; the topology snapshot test guards these.
 */
public final class StoreNames {

  private StoreNames() {}

  /** Event ids seen within the dedup window (window store). */
  public static final String EVENT_IDS = "event-ids";
  /** Counts per (advertiser, resolution, bucket, product). */
  public static final String PRODUCT_COUNTS = "product-counts";
  /** Counts per (advertiser, resolution, bucket): the stats series. */
  public static final String ADVERTISER_COUNTS = "advertiser-counts";
  /** No state: lets the count processor write its held counts before each commit. */
  public static final String COUNT_COMMIT_HOOK = "count-commit-hook";
  /** Advertisers with counted events, and the time of their latest one. */
  public static final String COUNTED_ADVERTISERS = "counted-advertisers";
  /** Events accepted and rejected by reason, per partition. */
  public static final String EVENT_TOTALS = "event-totals";
  /** Per (advertiser, user): the user's recent products and affinity to each (personal recommendations). */
  public static final String USER_HISTORIES = "user-histories";
  /** Per (advertiser, product): how often it occurred, and with which products the same users touched. */
  public static final String COOCCURRENCES = "co-occurrences";
  /** Impressions with a user, by the close interval of their time, waiting for their attribution window to close (window store). */
  public static final String IMPRESSIONS_AWAITING_CLICKS = "impressions-awaiting-clicks";
  /** The same impressions' ids by (advertiser, product, user) and time, which a click looks up (window store). */
  public static final String IMPRESSIONS_BY_USER = "impressions-by-user";
  /** The ids of waiting impressions a click was attributed to. */
  public static final String CLICKED_IMPRESSIONS = "clicked-impressions";
  /** The time before which every attribution window was closed. */
  public static final String ATTRIBUTION_PROGRESS = "attribution-progress";
  /** Per coordinate of the hashed feature space: FTRL's z and n, the baseline's impressions and clicks. */
  public static final String MODEL_COORDINATES = "model-coordinates";
  /** The candidate models' progressive metrics, their latest version and the examples it covered. */
  public static final String MODEL_PROGRESS = "model-progress";
  /** No state: lets the trainer write the coordinates it changed before each commit. */
  public static final String TRAIN_COMMIT_HOOK = "train-commit-hook";
  /** The models topic as a global table: every version of every model, on every instance. */
  public static final String MODELS = "models";
  /** The model-pins topic as a global table. */
  public static final String MODEL_PINS = "model-pins";
  /** The advertisers topic as a global table. */
  public static final String ADVERTISERS = "advertisers";
  /** The products topic as a global table: the catalog the dashboard searches. */
  public static final String CATALOG = "catalog";
}
