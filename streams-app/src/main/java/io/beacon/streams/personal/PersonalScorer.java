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

  private static final Comparator<Candidate> HIGHEST_BOUND_FIRST = (a, b) -> {
    int byBound = Double.compare(b.bound, a.bound);
    return byBound != 0 ? byBound : a.productId.compareTo(b.productId);
  };

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

  /** A history product's affinity and occurrences, and its co-visits with a candidate. */
  private record Part(String historyProductId, double affinity, double occurrences, double together) {}

  private static final class Candidate {
    final String productId;
    double bound;
    final List<Part> parts = new ArrayList<>(2);

    Candidate(String productId) {
      this.productId = productId;
    }
  }

  /**
   * The best {@code n} products for the history at {@code time}, leaving out those in it when
   * {@code excludeSeen}. {@code neighbourhoods} gives a product's record, or null; {@code
   * occurrencesOf} a product's decayed occurrences, 0 when it has no record.
   */
  List<Scored> rank(History history, Function<String, Neighbourhood> neighbourhoods, ToDoubleFunction<String> occurrencesOf,
      long time, int n, boolean excludeSeen) {
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
      // Each candidate takes one part from each history product it neighbours, in history order:
      // the neighbours' own order does not matter here.
      own.forEachNeighbour(time, decay, (j, cqj) -> {
        if (!excludeSeen || !history.contains(j)) {
          Candidate candidate = candidates.computeIfAbsent(j, Candidate::new);
          candidate.parts.add(new Part(entry.productId(), a, cq, cqj));
          candidate.bound += a * cqj / cq;
        }
      });
    }
    // Candidates come out highest bound first; only those polled before the stop are ordered.
    PriorityQueue<Candidate> byBound = new PriorityQueue<>(Math.max(1, candidates.size()), HIGHEST_BOUND_FIRST);
    byBound.addAll(candidates.values());
    PriorityQueue<Scored> best = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
    for (Candidate candidate = byBound.poll(); candidate != null; candidate = byBound.poll()) {
      if (best.size() == n && best.peek().score() > candidate.bound) {
        break; // no candidate left can beat the n-th: each scores at most its bound
      }
      double cj = occurrencesOf.applyAsDouble(candidate.productId);
      List<Reason> reasons = new ArrayList<>(candidate.parts.size());
      double score = 0;
      for (Part part : candidate.parts) {
        double weight = part.affinity() * similarity(part.together(), part.occurrences(), cj);
        score += weight;
        reasons.add(new Reason(part.historyProductId(), weight));
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
