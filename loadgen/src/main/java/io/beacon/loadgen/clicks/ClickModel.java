package io.beacon.loadgen.clicks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A known click model, so that every generated impression's click probability is the truth:
 * {@code p = sigmoid(base + product + placement + hour + device + country + placement×device +
 * product×device)}. Each effect is drawn once from the seed; the hour effect is a daily wave
 * peaking in the evening (UTC). Placement and context matter, and they interact: a predictor that
 * knows only each product's rate cannot reach the Bayes-optimal log loss.
 */
public final class ClickModel {

  public static final List<String> PLACEMENTS = List.of("homepage_top", "product_page", "search_results", "cart", "footer");
  public static final List<String> DEVICES = List.of("mobile", "desktop", "tablet");
  public static final List<String> COUNTRIES = List.of("es", "pt", "fr", "de", "it", "nl");
  /** About a 2% click-through rate before the effects. */
  static final double BASE = -3.9;
  private static final double[] PLACEMENT_EFFECTS = {0.7, 0.3, 0.0, -0.4, -1.1};

  private final int advertisers;
  private final int productsPerAdvertiser;
  private final double[] product;
  private final double[][] productDevice;
  private final double[][] placementDevice;
  private final double[] device;
  private final double[] country;

  public ClickModel(long seed, int advertisers, int productsPerAdvertiser) {
    this.advertisers = advertisers;
    this.productsPerAdvertiser = productsPerAdvertiser;
    SplittableRandom random = new SplittableRandom(seed);
    int products = advertisers * productsPerAdvertiser;
    product = new double[products];
    productDevice = new double[products][DEVICES.size()];
    for (int p = 0; p < products; p++) {
      product[p] = 0.6 * gaussian(random);
      for (int d = 0; d < DEVICES.size(); d++) {
        productDevice[p][d] = 0.4 * gaussian(random);
      }
    }
    placementDevice = new double[PLACEMENTS.size()][DEVICES.size()];
    for (double[] row : placementDevice) {
      for (int d = 0; d < row.length; d++) {
        row[d] = 0.5 * gaussian(random);
      }
    }
    device = new double[] {0.2, 0.0, -0.3};
    country = new double[COUNTRIES.size()];
    for (int c = 0; c < country.length; c++) {
      country[c] = 0.25 * gaussian(random);
    }
  }

  public int advertisers() {
    return advertisers;
  }

  public int productsPerAdvertiser() {
    return productsPerAdvertiser;
  }

  public static String advertiserId(int advertiser) {
    return "shop-" + advertiser;
  }

  /** Product {@code p} of all, numbered advertiser by advertiser. */
  public String productId(int p) {
    return advertiserId(p / productsPerAdvertiser) + "-p" + (p % productsPerAdvertiser);
  }

  /** The true probability that an impression of product {@code p} with this placement, device, country and time is clicked. */
  public double probability(int p, int placement, int deviceIndex, int countryIndex, Instant at) {
    int hour = at.atZone(ZoneOffset.UTC).getHour();
    double hourEffect = 0.35 * Math.cos(2 * Math.PI * (hour - 20) / 24.0);
    double logit = BASE + product[p] + PLACEMENT_EFFECTS[placement] + hourEffect + device[deviceIndex] + country[countryIndex]
        + placementDevice[placement][deviceIndex] + productDevice[p][deviceIndex];
    return 1 / (1 + Math.exp(-logit));
  }

  /** The context an impression carries, as events and predict take it. */
  public static Map<String, String> context(int deviceIndex, int countryIndex) {
    return Map.of("device", DEVICES.get(deviceIndex), "country", COUNTRIES.get(countryIndex));
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
