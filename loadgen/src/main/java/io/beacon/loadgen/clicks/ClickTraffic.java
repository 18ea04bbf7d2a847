package io.beacon.loadgen.clicks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Impressions drawn from a {@link ClickModel}: evenly spread in time, each of a product drawn with
 * Zipf-like popularity, a placement, a device and a country, and a user of many (so that one user
 * rarely sees one product twice within an attribution window); each is clicked with its true
 * probability, a few seconds to {@code maxClickDelay} after it.
 */
public final class ClickTraffic {

  private static final int USERS = 500_000;

  private final ClickModel model;
  private final SplittableRandom random;
  private final double[] cumulativePopularity;

  public ClickTraffic(ClickModel model, long seed) {
    this.model = model;
    this.random = new SplittableRandom(seed);
    int products = model.advertisers() * model.productsPerAdvertiser();
    cumulativePopularity = new double[products];
    double sum = 0;
    for (int p = 0; p < products; p++) {
      sum += 1 / Math.pow(1 + p % model.productsPerAdvertiser(), 0.8);
      cumulativePopularity[p] = sum;
    }
    for (int p = 0; p < products; p++) {
      cumulativePopularity[p] /= sum;
    }
  }

  /** {@code count} impressions from {@code start} to {@code start + span}, in time order, ids prefixed by {@code idPrefix}. */
  public List<ShownImpression> impressions(int count, Instant start, Duration span, Duration maxClickDelay, String idPrefix) {
    List<ShownImpression> shown = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instant at = start.plusMillis(span.toMillis() * i / count);
      int product = product();
      int placement = random.nextInt(ClickModel.PLACEMENTS.size());
      int device = random.nextInt(ClickModel.DEVICES.size());
      int country = random.nextInt(ClickModel.COUNTRIES.size());
      double p = model.probability(product, placement, device, country, at);
      Instant clickedAt = random.nextDouble() < p ? at.plusMillis(1000 + random.nextLong(maxClickDelay.toMillis() - 1000)) : null;
      shown.add(new ShownImpression(idPrefix + i, at, ClickModel.advertiserId(product / model.productsPerAdvertiser()),
          model.productId(product), "u" + random.nextInt(USERS), ClickModel.PLACEMENTS.get(placement),
          ClickModel.context(device, country), p, clickedAt));
    }
    return shown;
  }

  private int product() {
    double u = random.nextDouble();
    int low = 0;
    int high = cumulativePopularity.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulativePopularity[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
