package io.beacon.loadgen.interactions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The item-to-item model Beacon streams, computed offline from every interaction at once, with no
 * bounds: every product a user touched stays in their history, every co-visited pair is kept. The
 * ground truth Beacon's answers are compared with.
 *
 * <p>The definitions: an interaction of a user with product p at time t co-visits each other
 * product the user touched earlier, at most {@code coVisitWindow} before t, once per such product;
 * the co-visit counts for both products. c(p) counts interactions with p, c(p,q) co-visits, a(u,p)
 * a user's interactions with p (a click weighs {@code clickWeight}); each is worth
 * {@code 0.5^(age / halfLife)} at the newest interaction's time. A candidate j scores
 * {@code Σ_q a(u,q) · c(q,j) / (c(q) + c(j))} over the user's products q: the Jaccard index of
 * interactions, the share of all interactions with q or j that were co-visits of the two.
 * "Earlier" is by time, then by the order of the rows.
 */
public final class ExactItemToItem {

  /** The settings of the model, as {@code beacon.personal.*} sets them. */
  public record Settings(long coVisitWindowMs, long halfLifeMs, double clickWeight) {}

  /** A recommended product and its score. */
  public record Scored(String productId, double score) {}

  private final long reference;
  private final Map<String, Double> occurrences = new HashMap<>();
  private final Map<String, Map<String, Double>> together = new HashMap<>();
  private final Map<String, Map<String, Double>> affinity = new HashMap<>();

  public ExactItemToItem(List<Interaction> interactions, Settings settings) {
    reference = interactions.stream().mapToLong(Interaction::time).max().orElse(0);
    Map<String, List<Interaction>> byUser = new HashMap<>();
    interactions.forEach(row -> byUser.computeIfAbsent(row.userId(), u -> new ArrayList<>()).add(row));
    for (List<Interaction> rows : byUser.values()) {
      rows.sort(Comparator.comparingLong(Interaction::time).thenComparingLong(Interaction::line));
      int windowStart = 0;
      for (int k = 0; k < rows.size(); k++) {
        Interaction row = rows.get(k);
        double worth = Math.pow(0.5, (double) (reference - row.time()) / settings.halfLifeMs());
        occurrences.merge(row.productId(), worth, Double::sum);
        affinity.computeIfAbsent(row.userId(), u -> new HashMap<>())
            .merge(row.productId(), (row.click() ? settings.clickWeight() : 1) * worth, Double::sum);
        while (row.time() - rows.get(windowStart).time() > settings.coVisitWindowMs()) {
          windowStart++;
        }
        Set<String> coVisited = new HashSet<>();
        for (int j = windowStart; j < k; j++) {
          coVisited.add(rows.get(j).productId());
        }
        coVisited.remove(row.productId());
        for (String other : coVisited) {
          together.computeIfAbsent(row.productId(), p -> new HashMap<>()).merge(other, worth, Double::sum);
          together.computeIfAbsent(other, p -> new HashMap<>()).merge(row.productId(), worth, Double::sum);
        }
      }
    }
  }

  /** The newest interaction's time: every count is worth what it is at this time. */
  public long reference() {
    return reference;
  }

  public double occurrences(String productId) {
    return occurrences.getOrDefault(productId, 0.0);
  }

  /** c(p,q): co-visits of the two products. */
  public double together(String productId, String otherId) {
    return together.getOrDefault(productId, Map.of()).getOrDefault(otherId, 0.0);
  }

  /** The products co-visited with {@code productId}. */
  public Set<String> neighbours(String productId) {
    return together.getOrDefault(productId, Map.of()).keySet();
  }

  /** The products the user touched. */
  public Set<String> history(String userId) {
    return affinity.getOrDefault(userId, Map.of()).keySet();
  }

  /** Most products one user touched: a history size below it drops some. */
  public int largestHistory() {
    return affinity.values().stream().mapToInt(Map::size).max().orElse(0);
  }

  /** Most products co-visited with one product: a max-neighbours below it drops some. */
  public int mostNeighbours() {
    return together.values().stream().mapToInt(Map::size).max().orElse(0);
  }

  /** The share of the two products' interactions that were co-visits of the two. */
  public double similarity(String productId, String otherId) {
    double both = together(productId, otherId);
    return both == 0 ? 0 : both / (occurrences(productId) + occurrences(otherId));
  }

  /** The user's best {@code n} products, best first (ties by product id); only products with a score above 0. */
  public List<Scored> recommend(String userId, int n, boolean excludeSeen) {
    Map<String, Double> mine = affinity.getOrDefault(userId, Map.of());
    Map<String, Double> scores = new HashMap<>();
    mine.forEach((product, weight) -> {
      for (String candidate : neighbours(product)) {
        if (!(excludeSeen && mine.containsKey(candidate))) {
          scores.merge(candidate, weight * similarity(product, candidate), Double::sum);
        }
      }
    });
    return scores.entrySet().stream()
        .map(score -> new Scored(score.getKey(), score.getValue()))
        .sorted(Comparator.comparingDouble((Scored s) -> -s.score()).thenComparing(Scored::productId))
        .limit(n)
        .toList();
  }
}
