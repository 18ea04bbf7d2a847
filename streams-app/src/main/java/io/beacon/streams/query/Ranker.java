package io.beacon.streams.query;

import io.beacon.streams.Counts;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Ranks products by views or by smoothed CTR.
 *
 * <p>Smoothed CTR is an empirical-Bayes estimate: {@code (clicks + m·p) / (impressions + m)},
 * where {@code p} is the advertiser's own CTR over the same window and {@code m} the prior's weight
 * in impressions. A product with few impressions is pulled towards the advertiser's average and
 * one with many keeps its own rate. Products with fewer than the minimum impressions are not
 * ranked by CTR at all: with 1 impression and 1 click nothing is known yet.
 */
public final class Ranker {

  private final int priorImpressions;
  private final int minImpressions;

  public Ranker(int priorImpressions, int minImpressions) {
    this.priorImpressions = priorImpressions;
    this.minImpressions = minImpressions;
  }

  /** The best {@code n} products, ties broken by more impressions, then product id. */
  public List<RankedItem> rank(RankingModel model, Map<String, Counts> byProduct, int n) {
    Counts total = byProduct.values().stream().reduce(Counts.ZERO, Counts::plus);
    double prior = total.ctr();
    return byProduct.entrySet().stream()
        .filter(e -> model == RankingModel.TOP_PRODUCTS ? e.getValue().views() > 0 : e.getValue().impressions() >= minImpressions)
        .map(e -> item(e.getKey(), e.getValue(), model == RankingModel.TOP_PRODUCTS ? e.getValue().views() : smoothedCtr(e.getValue(), prior)))
        .sorted(Comparator.comparingDouble(RankedItem::score).reversed()
            .thenComparing(Comparator.comparingLong(RankedItem::impressions).reversed())
            .thenComparing(RankedItem::productId))
        .limit(n)
        .toList();
  }

  /** {@code (clicks + m·p) / (impressions + m)}; the raw CTR when {@code m} is 0. */
  public double smoothedCtr(Counts counts, double prior) {
    double denominator = counts.impressions() + (double) priorImpressions;
    return denominator == 0 ? 0.0 : (counts.clicks() + priorImpressions * prior) / denominator;
  }

  private static RankedItem item(String productId, Counts c, double score) {
    return new RankedItem(productId, score, c.views(), c.impressions(), c.clicks(), c.ctr());
  }
}
