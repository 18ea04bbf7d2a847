package io.beacon.streams.personal;

import com.github.benmanes.caffeine.cache.Ticker;
import io.beacon.streams.PersonalConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Answers from the personal model's stores: a user's recommendations, and a product's related products. */
public final class PersonalReader {

  /** A history product's part in a recommendation. */
  public record Reason(String productId, double weight) {}

  /** A recommended product, with the history products that contributed most. */
  public record Recommended(String productId, double score, List<Reason> because) {}

  /**
   * What the user's history gives: how many products it holds, which (as a set, and most recently
   * touched first), and the products it recommends, best first.
   */
  public record Personal(int historySize, Set<String> seen, List<String> mostRecentFirst, List<Recommended> items) {}

  /** A product seen together with another: their similarity ({@link PersonalScorer#similarity}), and the decayed co-visits. */
  public record Related(String productId, double score, double together) {}

  /** Products whose occurrences are kept at most, about 100 bytes of heap each. */
  private static final long OCCURRENCES_KEPT = 200_000;

  private final Decay decay;
  private final PersonalScorer scorer;
  private final RecentOccurrences occurrences;

  public PersonalReader(PersonalConfig config) {
    this.decay = new Decay(config.halfLife().toMillis());
    this.scorer = new PersonalScorer(decay);
    this.occurrences = new RecentOccurrences(config.occurrencesFreshFor(), OCCURRENCES_KEPT, decay, Ticker.systemTicker());
  }

  /** The best {@code n} products for the user at {@code time} from their history alone; none for an unknown user. */
  public Personal recommend(ReadOnlyKeyValueStore<String, byte[]> histories, ReadOnlyKeyValueStore<String, byte[]> cooccurrences,
      String advertiserId, String userId, long time, int n, boolean excludeSeen) {
    byte[] stored = histories.get(PersonalLearner.key(advertiserId, userId));
    if (stored == null) {
      return new Personal(0, Set.of(), List.of(), List.of());
    }
    History history = History.fromBytes(stored);
    List<String> mostRecentFirst = history.entries().stream().map(History.Entry::productId).toList();
    List<Recommended> items = new ArrayList<>();
    for (PersonalScorer.Scored scored : scorer.rank(history, product -> neighbourhood(cooccurrences, advertiserId, product),
        product -> occurrences(cooccurrences, advertiserId, product, time), time, n, excludeSeen)) {
      items.add(new Recommended(scored.productId(), scored.score(),
          scored.because().stream().map(r -> new Reason(r.productId(), r.weight())).toList()));
    }
    return new Personal(history.size(), Set.copyOf(mostRecentFirst), mostRecentFirst, List.copyOf(items));
  }

  /**
   * The {@code n} products most similar to {@code productId} ({@link PersonalScorer#similarity}). As in
   * {@link PersonalScorer}, candidates are read in order of the bound {@code c(p,j)/c(p)} and reading
   * stops once the n-th best beats the next bound.
   */
  public List<Related> related(ReadOnlyKeyValueStore<String, byte[]> cooccurrences, String advertiserId, String productId, long time,
      int n) {
    byte[] own = cooccurrences.get(PersonalLearner.key(advertiserId, productId));
    double cp = own == null ? 0 : Neighbourhood.occurrencesOf(own, time, decay);
    if (cp <= 0) {
      return List.of();
    }
    Comparator<Related> bestFirst = Comparator.comparingDouble((Related r) -> -r.score()).thenComparing(Related::productId);
    PriorityQueue<Related> best = new PriorityQueue<>(n + 1, bestFirst.reversed());
    Neighbourhood.StrongestFirst strongestFirst = Neighbourhood.strongestFirst(own, time, decay);
    for (Neighbourhood.Neighbour other = strongestFirst.poll(); other != null; other = strongestFirst.poll()) {
      double together = other.together();
      if (best.size() == n && best.peek().score() > together / cp) {
        break;
      }
      double co = occurrences(cooccurrences, advertiserId, other.productId(), time);
      best.add(new Related(other.productId(), PersonalScorer.similarity(together, cp, co), together));
      if (best.size() > n) {
        best.poll();
      }
    }
    List<Related> ranked = new ArrayList<>(best);
    ranked.sort(bestFirst);
    return ranked;
  }

  /** A product's decayed occurrences ({@link RecentOccurrences}); 0 without a record. */
  private double occurrences(ReadOnlyKeyValueStore<String, byte[]> cooccurrences, String advertiserId, String productId, long time) {
    return occurrences.at(cooccurrences, PersonalLearner.key(advertiserId, productId), time);
  }

  private static Neighbourhood neighbourhood(ReadOnlyKeyValueStore<String, byte[]> cooccurrences, String advertiserId, String productId) {
    byte[] stored = cooccurrences.get(PersonalLearner.key(advertiserId, productId));
    return stored == null ? null : Neighbourhood.fromBytes(stored);
  }
}
