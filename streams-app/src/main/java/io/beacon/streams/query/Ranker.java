package io.beacon.streams.query;

import io.beacon.streams.Counts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

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

  /** Best first: higher score, then more impressions, then product id. */
  private static final Comparator<RankedItem> BEST_FIRST = Comparator.comparingDouble(RankedItem::score).reversed()
      .thenComparing(Comparator.comparingLong(RankedItem::impressions).reversed())
      .thenComparing(RankedItem::productId);

  private final int priorImpressions;
  private final int minImpressions;

  public Ranker(int priorImpressions, int minImpressions) {
    this.priorImpressions = priorImpressions;
    this.minImpressions = minImpressions;
  }

  /** The best {@code n} products, ties broken by more impressions, then product id. */
  public List<RankedItem> rank(RankingModel model, Map<String, Counts> byProduct, int n) {
    Counts total = Counts.ZERO;
    for (Counts counts : byProduct.values()) {
      total = total.plus(counts);
    }
    double prior = total.ctr();
    // A heap of the n best so far, worst on top: a long window's 10,000 products are not sorted
    // whole to keep 10 of them.
    PriorityQueue<RankedItem> best = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
    byProduct.forEach((productId, counts) -> {
      boolean ranked = model == RankingModel.TOP_PRODUCTS ? counts.views() > 0 : counts.impressions() >= minImpressions;
      if (ranked) {
        best.add(item(productId, counts, model == RankingModel.TOP_PRODUCTS ? counts.views() : smoothedCtr(counts, prior)));
        if (best.size() > n) {
          best.poll();
        }
      }
    });
    List<RankedItem> ranking = new ArrayList<>(best);
    ranking.sort(BEST_FIRST);
    return List.copyOf(ranking);
  }

  /**
   * Why a ranking of {@code byProduct} holds fewer than {@code n} items, or null when it holds
   * {@code n}: a bidder that asked for 10 and got 3 should not have to guess.
   */
  public String shortfall(RankingModel model, Map<String, Counts> byProduct, int ranked, int n) {
    if (ranked >= n) {
      return null;
    }
    if (model == RankingModel.TOP_PRODUCTS) {
      return (ranked == 0 ? "no product has" : "only " + products(ranked)) + " views in this window";
    }
    long few = byProduct.values().stream().filter(c -> c.impressions() > 0 && c.impressions() < minImpressions).count();
    return (ranked == 0 ? "no product has" : "only " + products(ranked)) + " " + minImpressions
        + (minImpressions == 1 ? " impression" : " impressions") + " in this window, the least a CTR is ranked on"
        + " (beacon.ctr.min-impressions)"
        + (few > 0 ? "; " + (few == 1 ? "1 more has" : few + " more have") + " fewer" : "");
  }

  private static String products(long count) {
    return count == 1 ? "1 product has" : count + " products have";
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
