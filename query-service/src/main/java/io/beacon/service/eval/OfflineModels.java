package io.beacon.service.eval;

import io.beacon.loadgen.interactions.ExactItemToItem;
import io.beacon.loadgen.interactions.Interaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models Beacon is compared with, computed here from the same training interactions:
 * popularity (the products with most interactions) and the exact item-to-item model ({@link
 * ExactItemToItem}), whose empty slots are filled as Beacon fills them, with the products most
 * viewed in the 24 hours before the newest interaction. Both leave out what the user touched.
 */
final class OfflineModels {

  /** Beacon's fallback: the most viewed products over this long. */
  static final Duration FALLBACK_WINDOW = Duration.ofHours(24);

  private final ExactItemToItem exact;
  private final List<String> popular;
  private final List<String> recentlyViewed;
  private final Map<String, Set<String>> seen = new HashMap<>();

  OfflineModels(List<Interaction> training, ExactItemToItem exact) {
    this.exact = exact;
    Map<String, Integer> interactions = new HashMap<>();
    Map<String, Integer> views = new HashMap<>();
    long since = exact.reference() - FALLBACK_WINDOW.toMillis();
    for (Interaction row : training) {
      interactions.merge(row.productId(), 1, Integer::sum);
      if (!row.click() && row.time() > since) {
        views.merge(row.productId(), 1, Integer::sum);
      }
      seen.computeIfAbsent(row.userId(), u -> new HashSet<>()).add(row.productId());
    }
    popular = mostFirst(interactions);
    recentlyViewed = mostFirst(views);
  }

  private static List<String> mostFirst(Map<String, Integer> counts) {
    List<String> products = new ArrayList<>(counts.keySet());
    products.sort(Comparator.comparingInt((String p) -> -counts.get(p)).thenComparing(Comparator.naturalOrder()));
    return products;
  }

  /** The n products with most training interactions that the user has not touched. */
  List<String> popularity(String userId, int n) {
    Set<String> answer = new LinkedHashSet<>();
    fill(answer, popular, userId, n);
    return List.copyOf(answer);
  }

  /** The exact item-to-item model's n best for the user, then the most viewed of the last 24 hours. */
  List<String> itemToItem(String userId, int n) {
    Set<String> answer = new LinkedHashSet<>();
    exact.recommend(userId, n, true).forEach(scored -> answer.add(scored.productId()));
    fill(answer, recentlyViewed, userId, n);
    return List.copyOf(answer);
  }

  private void fill(Set<String> answer, List<String> from, String userId, int n) {
    Set<String> mine = seen.getOrDefault(userId, Set.of());
    for (String product : from) {
      if (answer.size() >= n) {
        return;
      }
      if (!mine.contains(product)) {
        answer.add(product);
      }
    }
  }
}
