package io.beacon.streams.personal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Ranks products for a user from their history and the co-occurrence model: a candidate's score is
 * the sum, over the user's history items, of the item's decayed affinity times its {@link
 * #similarity} with the candidate. Each item names the history items that contributed most.
 *
 * <p>Similarity needs each candidate's own occurrences, one more record read per candidate. Since
 * {@code c(j) ≥ 0}, a candidate's score is at most {@code Σ a(q)·c(q,j)/c(q)}, which the history's
 * own records give: candidates are scored exactly in order of that bound, and scoring stops once
 * the n-th best exact score beats the next bound (Fagin's threshold algorithm). The answer is the
 * same as scoring every candidate.
 */
final class PersonalScorer {

  /** A history item's part in a candidate's score. */
  record Reason(String productId, double weight) {}

  /** A scored candidate, its reasons strongest first. */
  record Scored(String productId, double score, List<Reason> because) {}

  static final int REASONS = 3;
  private static final Comparator<Scored> BEST_FIRST =
      Comparator.comparingDouble((Scored s) -> -s.score()).thenComparing(Scored::productId);

  private final Decay decay;

  PersonalScorer(Decay decay) {
    this.decay = decay;
  }

  /**
   * The Jaccard index of two products' interactions: of all interactions with either ({@code c(q) +
   * c(j)}, disjoint), the share that came within the co-visit window after one with the other
   * ({@code c(q,j)}), on decayed counts. The index of user sets, {@code c(q,j) / (c(q) + c(j) −
   * c(q,j))}, does not apply: an interaction co-visits every product touched before it in the
   * window, so c(q,j) counts interactions of both products and can exceed c(q) or c(j).
   */
  static double similarity(double together, double occurrences, double otherOccurrences) {
    return together / (occurrences + otherOccurrences);
  }

  private static final class Candidate {
    final String productId;
    double bound;
    final Map<String, Double> together = new HashMap<>();

    Candidate(String productId) {
      this.productId = productId;
    }
  }

  /**
   * The best {@code n} products for the history at {@code time}, leaving out those in it when
   * {@code excludeSeen}. {@code neighbourhoods} gives a product's record, or null; {@code
   * occurrences} a product's decayed occurrences, 0 when it has no record.
   */
  List<Scored> rank(History history, Function<String, Neighbourhood> neighbourhoods, ToDoubleFunction<String> occurrencesOf,
      long time, int n, boolean excludeSeen) {
    Map<String, Double> affinity = new HashMap<>();
    Map<String, Double> occurrences = new HashMap<>();
    Map<String, Candidate> candidates = new HashMap<>();
    for (History.Entry entry : history.entries()) {
      Neighbourhood own = neighbourhoods.apply(entry.productId());
      if (own == null) {
        continue;
      }
      double a = decay.at(entry.affinity(), entry.affinityAt(), time);
      double cq = own.occurrences(time, decay);
      if (cq <= 0) {
        continue;
      }
      affinity.put(entry.productId(), a);
      occurrences.put(entry.productId(), cq);
      for (Neighbourhood.Neighbour neighbour : own.neighbours(time, decay)) {
        if (excludeSeen && history.contains(neighbour.productId())) {
          continue;
        }
        double cqj = neighbour.together();
        Candidate candidate = candidates.computeIfAbsent(neighbour.productId(), Candidate::new);
        candidate.together.put(entry.productId(), cqj);
        candidate.bound += a * cqj / cq;
      }
    }
    List<Candidate> byBound = new ArrayList<>(candidates.values());
    byBound.sort(Comparator.comparingDouble((Candidate c) -> -c.bound).thenComparing(c -> c.productId));
    PriorityQueue<Scored> best = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
    for (Candidate candidate : byBound) {
      if (best.size() == n && best.peek().score() > candidate.bound) {
        break; // no candidate left can beat the n-th: each scores at most its bound
      }
      double cj = occurrencesOf.applyAsDouble(candidate.productId);
      List<Reason> reasons = new ArrayList<>();
      double score = 0;
      for (Map.Entry<String, Double> part : candidate.together.entrySet()) {
        double cq = occurrences.get(part.getKey());
        double cqj = part.getValue();
        double weight = affinity.get(part.getKey()) * similarity(cqj, cq, cj);
        score += weight;
        reasons.add(new Reason(part.getKey(), weight));
      }
      reasons.sort(Comparator.comparingDouble((Reason r) -> -r.weight()).thenComparing(Reason::productId));
      best.add(new Scored(candidate.productId, score, List.copyOf(reasons.subList(0, Math.min(REASONS, reasons.size())))));
      if (best.size() > n) {
        best.poll();
      }
    }
    List<Scored> ranked = new ArrayList<>(best);
    ranked.sort(BEST_FIRST);
    return ranked;
  }
}
