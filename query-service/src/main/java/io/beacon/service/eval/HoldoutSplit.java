package io.beacon.service.eval;

import io.beacon.loadgen.interactions.Interaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Splits interactions by time per user: each user's last {@code holdout} interactions are held out,
 * the rest train. A user's test products are the held-out products they had not touched in
 * training (Beacon leaves seen products out of recommendations); users without one are not tested.
 * Training interactions older than {@code reach} before the newest are left out of every model:
 * Beacon's backfill counts no further back.
 *
 * @param training the training interactions, by time then line
 * @param test each test user's test products
 * @param heldOut interactions held out
 * @param beyondReach training interactions left out as older than the reach
 */
record HoldoutSplit(List<Interaction> training, Map<String, Set<String>> test, int heldOut, int beyondReach) {

  static final Comparator<Interaction> BY_TIME = Comparator.comparingLong(Interaction::time).thenComparingLong(Interaction::line);

  static HoldoutSplit of(List<Interaction> interactions, int holdout, Duration reach) {
    Map<String, List<Interaction>> byUser = new TreeMap<>();
    interactions.forEach(row -> byUser.computeIfAbsent(row.userId(), u -> new ArrayList<>()).add(row));
    List<Interaction> training = new ArrayList<>(interactions.size());
    Map<String, Set<String>> test = new LinkedHashMap<>();
    int heldOut = 0;
    for (Map.Entry<String, List<Interaction>> user : byUser.entrySet()) {
      List<Interaction> rows = user.getValue();
      rows.sort(BY_TIME);
      int trainingRows = rows.size() > holdout ? rows.size() - holdout : rows.size();
      Set<String> seen = new HashSet<>();
      for (Interaction row : rows.subList(0, trainingRows)) {
        training.add(row);
        seen.add(row.productId());
      }
      Set<String> products = new java.util.TreeSet<>();
      for (Interaction row : rows.subList(trainingRows, rows.size())) {
        heldOut++;
        if (!seen.contains(row.productId())) {
          products.add(row.productId());
        }
      }
      if (!products.isEmpty()) {
        test.put(user.getKey(), products);
      }
    }
    training.sort(BY_TIME);
    long oldest = training.isEmpty() ? 0 : training.get(training.size() - 1).time() - reach.toMillis();
    int before = training.size();
    training.removeIf(row -> row.time() < oldest);
    return new HoldoutSplit(List.copyOf(training), test, heldOut, before - training.size());
  }
}
