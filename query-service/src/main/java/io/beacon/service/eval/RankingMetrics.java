package io.beacon.service.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Top-10 metrics of one model over the test users, averaged per user: precision@10 (hits / 10),
 * recall@10 (hits / the user's test products), NDCG@10 (binary relevance, log2 discount), hit
 * rate@10 (users with a hit), and catalog coverage (products recommended to anyone / products in
 * the data).
 */
final class RankingMetrics {

  static final int K = 10;
  private final Set<String> recommended = new HashSet<>();
  private double precision;
  private double recall;
  private double ndcg;
  private int hits;
  private int users;

  /** Adds one user's answer, best first (only its first 10 count), and their test products. */
  void add(List<String> answer, Set<String> relevant) {
    List<String> top = answer.subList(0, Math.min(K, answer.size()));
    recommended.addAll(top);
    int found = 0;
    double dcg = 0;
    for (int i = 0; i < top.size(); i++) {
      if (relevant.contains(top.get(i))) {
        found++;
        dcg += 1 / log2(i + 2);
      }
    }
    double ideal = 0;
    for (int i = 0; i < Math.min(K, relevant.size()); i++) {
      ideal += 1 / log2(i + 2);
    }
    precision += (double) found / K;
    recall += (double) found / relevant.size();
    ndcg += dcg / ideal;
    hits += found > 0 ? 1 : 0;
    users++;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** The means, and coverage of a catalog of {@code catalogSize} products. */
  Result result(int catalogSize) {
    return new Result(precision / users, recall / users, ndcg / users, (double) hits / users, (double) recommended.size() / catalogSize);
  }

  /** The metrics, each 0 to 1. */
  record Result(double precision, double recall, double ndcg, double hitRate, double coverage) {

    static final List<String> NAMES = List.of("precision@10", "recall@10", "NDCG@10", "hit rate@10", "coverage");

    List<Double> values() {
      return List.of(precision, recall, ndcg, hitRate, coverage);
    }
  }
}
