package io.beacon.streams.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The co-occurrence model's parts: decay, a user's history, a product's neighbours, and ranking with them. */
class PersonalModelTest {

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private final Decay decay = new Decay(7 * DAY);

  @Test
  void shouldHalveAWeightEachHalfLife() {
    assertEquals(1.0, decay.at(2.0, 0, 7 * DAY), 1e-12);
    assertEquals(0.5, decay.at(2.0, 0, 14 * DAY), 1e-12);
    assertEquals(4.0, decay.at(2.0, 7 * DAY, 0), 1e-12, "brought back in time, it grows");
  }

  @Test
  void shouldNameTheProductsCoVisitedWithinTheWindowAndWeighClicksMore() {
    History history = new History();
    assertEquals(List.of(), history.record("a", 0, 1, DAY, 50, 30 * DAY, decay));
    assertEquals(List.of("a"), history.record("b", HOUR, 1, DAY, 50, 30 * DAY, decay));
    assertEquals(List.of("b"), history.record("c", 25 * HOUR, 3, DAY, 50, 30 * DAY, decay), "a is more than a day before");
    assertEquals(List.of("b", "c"), history.record("a", 24 * HOUR, 1, DAY, 50, 30 * DAY, decay), "not with itself");

    Map<String, History.Entry> entries = new HashMap<>();
    history.entries().forEach(e -> entries.put(e.productId(), e));
    assertEquals(List.of("c", "a", "b"), history.entries().stream().map(History.Entry::productId).toList(), "most recent first");
    assertEquals(3.0, entries.get("c").affinity(), 1e-12, "a click");
    assertEquals(decay.at(1, 0, 24 * HOUR) + 1, entries.get("a").affinity(), 1e-12, "an earlier view, decayed, and a new one");
  }

  @Test
  void shouldKeepTheMostRecentProductsAndForgetThoseOlderThanTheTtl() {
    History history = new History();
    for (int i = 0; i < 5; i++) {
      history.record("p" + i, i * HOUR, 1, DAY, 3, 30 * DAY, decay);
    }
    assertEquals(List.of("p4", "p3", "p2"), history.entries().stream().map(History.Entry::productId).toList());
    history.record("late", 31 * DAY, 1, DAY, 3, 30 * DAY, decay);
    assertEquals(List.of("late"), history.entries().stream().map(History.Entry::productId).toList());
    assertEquals(history.entries(), History.fromBytes(history.toBytes()).entries());
  }

  @Test
  void shouldKeepTheStrongestNeighboursAndDecayTheirCounts() {
    Neighbourhood product = new Neighbourhood();
    product.occurred(0, decay);
    product.occurred(7 * DAY, decay);
    assertEquals(1.5, product.occurrences(7 * DAY, decay), 1e-12);
    product.coVisited("strong", 0, decay, 2);
    product.coVisited("strong", 0, decay, 2);
    product.coVisited("strong", 0, decay, 2);
    product.coVisited("weak", 0, decay, 2);
    product.coVisited("new", 7 * DAY, decay, 2);
    List<Neighbourhood.Neighbour> kept = neighbours(product, 7 * DAY);
    assertEquals(List.of("strong", "new"), kept.stream().map(Neighbourhood.Neighbour::productId).toList(),
        "weak (0.5 by now) went for new (1)");
    assertEquals(1.5, kept.get(0).together(), 1e-12);
    Neighbourhood read = Neighbourhood.fromBytes(product.toBytes());
    assertEquals(neighbours(product, 7 * DAY), neighbours(read, 7 * DAY));
    assertEquals(product.occurrences(9 * DAY, decay), read.occurrences(9 * DAY, decay), 1e-12);
    assertEquals(product.occurrences(9 * DAY, decay), Neighbourhood.occurrencesOf(product.toBytes(), 9 * DAY, decay), 1e-12,
        "the occurrences are read from the record's head alone");
    assertEquals(0.0, Neighbourhood.occurrencesOf(new Neighbourhood().toBytes(), 9 * DAY, decay));
  }

  @Test
  void shouldReadBackNeighboursWhoseIdsAreNotAscii() {
    Neighbourhood product = new Neighbourhood();
    product.occurred(0, decay);
    List<String> ids = List.of("plain-1", "café", "日本-2", "nul\u0000inside", "emoji-\uD83D\uDE00", "");
    for (String id : ids) {
      product.coVisited(id, 0, decay, 10);
    }
    List<Neighbourhood.Neighbour> read = neighbours(Neighbourhood.fromBytes(product.toBytes()), 0);
    assertEquals(neighbours(product, 0), read);
    assertEquals(ids.stream().sorted().toList(), read.stream().map(Neighbourhood.Neighbour::productId).toList());
  }

  /** Related products take a stored record's neighbours in this order without decoding the record. */
  @Test
  void shouldTakeAStoredRecordsNeighboursStrongestFirstWithTiesByProductId() {
    Neighbourhood product = new Neighbourhood();
    product.occurred(0, decay);
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      // Few ids and few times, so that many co-visit counts tie; non-ASCII ids among them.
      product.coVisited(List.of("b", "a", "é", "日本", "c-" + random.nextInt(40)).get(random.nextInt(5)),
          random.nextInt(3) * DAY, decay, 30);
    }
    Neighbourhood.StrongestFirst stored = Neighbourhood.strongestFirst(product.toBytes(), 3 * DAY, decay);
    List<Neighbourhood.Neighbour> taken = new ArrayList<>();
    for (Neighbourhood.Neighbour next = stored.poll(); next != null; next = stored.poll()) {
      taken.add(next);
    }
    assertEquals(neighbours(product, 3 * DAY), taken);
  }

  @Test
  void shouldRankByAffinityTimesSimilarityAndSayWhy() {
    Map<String, Neighbourhood> model = new HashMap<>();
    // Users viewed a then b, a then c, and d alone; c is popular on its own too.
    coVisit(model, "a", "b", 0);
    coVisit(model, "a", "c", 0);
    for (int i = 0; i < 8; i++) {
      model.computeIfAbsent("c", k -> new Neighbourhood()).occurred(0, decay);
    }
    History history = new History();
    history.record("a", 0, 1, DAY, 50, 30 * DAY, decay);

    List<PersonalScorer.Scored> ranked = new PersonalScorer(decay).rank(history, model::get, occurrences(model, 0), 0, 10, true);

    // s(a,b) = 1 / (2 + 1); s(a,c) = 1 / (2 + 9)
    assertEquals(List.of("b", "c"), ranked.stream().map(PersonalScorer.Scored::productId).toList());
    assertEquals(1 / 3.0, ranked.get(0).score(), 1e-12);
    assertEquals(1 / 11.0, ranked.get(1).score(), 1e-12);
    assertEquals(List.of(new PersonalScorer.Reason("a", 1 / 3.0)), ranked.get(0).because());
    assertFalse(ranked.stream().anyMatch(s -> s.productId().equals("a")), "seen");
    assertTrue(new PersonalScorer(decay).rank(history, model::get, occurrences(model, 0), 0, 10, false).stream().noneMatch(s -> s.productId().equals("a")),
        "a is no neighbour of itself either");
  }

  @Test
  void shouldGiveTheSameRankingAsScoringEveryCandidate() {
    Random random = new Random(3);
    for (int round = 0; round < 200; round++) {
      Map<String, Neighbourhood> model = new HashMap<>();
      for (int visit = 0; visit < 300; visit++) {
        coVisit(model, "p" + random.nextInt(40), "p" + random.nextInt(40), random.nextInt(10) * DAY);
      }
      for (int extra = 0; extra < 100; extra++) {
        model.computeIfAbsent("p" + random.nextInt(40), k -> new Neighbourhood()).occurred(random.nextInt(10) * DAY, decay);
      }
      History history = new History();
      for (int i = 0; i < 1 + random.nextInt(8); i++) {
        history.record("p" + random.nextInt(40), random.nextInt(10) * DAY, 1 + random.nextInt(3), DAY, 50, 30 * DAY, decay);
      }
      int n = 1 + random.nextInt(10);
      List<PersonalScorer.Scored> ranked = new PersonalScorer(decay).rank(history, model::get, occurrences(model, 10 * DAY), 10 * DAY, n,
          true);
      assertEquals(everyCandidate(history, model, 10 * DAY, n), ranked.stream().map(PersonalScorer.Scored::productId).toList(),
          "round " + round);
    }
  }

  /** Each product's occurrences at {@code time}, as the reader takes them from the stored records' heads. */
  private java.util.function.ToDoubleFunction<String> occurrences(Map<String, Neighbourhood> model, long time) {
    return product -> model.get(product) == null ? 0 : Neighbourhood.occurrencesOf(model.get(product).toBytes(), time, decay);
  }

  /** The best n by scoring every neighbour of every history item. */
  private List<String> everyCandidate(History history, Map<String, Neighbourhood> model, long time, int n) {
    Map<String, Double> scores = new HashMap<>();
    for (History.Entry entry : history.entries()) {
      Neighbourhood q = model.get(entry.productId());
      if (q == null) {
        continue;
      }
      for (Neighbourhood.Neighbour neighbour : neighbours(q, time)) {
        String j = neighbour.productId();
        if (!history.contains(j)) {
          double cj = model.get(j) == null ? 0 : model.get(j).occurrences(time, decay);
          double cqj = neighbour.together();
          double similarity = cqj / (q.occurrences(time, decay) + cj);
          scores.merge(j, decay.at(entry.affinity(), entry.affinityAt(), time) * similarity, Double::sum);
        }
      }
    }
    List<String> ids = new ArrayList<>(scores.keySet());
    ids.sort(Comparator.comparingDouble((String id) -> -scores.get(id)).thenComparing(Comparator.naturalOrder()));
    return ids.subList(0, Math.min(n, ids.size()));
  }

  /** A product's kept neighbours with their co-visits at {@code time}, strongest first, ties by product id. */
  private List<Neighbourhood.Neighbour> neighbours(Neighbourhood product, long time) {
    List<Neighbourhood.Neighbour> decayed = new ArrayList<>();
    product.forEachNeighbour(time, decay, (id, together) -> decayed.add(new Neighbourhood.Neighbour(id, together)));
    decayed.sort(Comparator.comparingDouble((Neighbourhood.Neighbour n) -> -n.together()).thenComparing(Neighbourhood.Neighbour::productId));
    return decayed;
  }

  /** One user's views of a and then b at {@code time}: each occurs once, and they co-occur. */
  private void coVisit(Map<String, Neighbourhood> model, String a, String b, long time) {
    Neighbourhood first = model.computeIfAbsent(a, k -> new Neighbourhood());
    first.occurred(time, decay);
    if (a.equals(b)) {
      return;
    }
    Neighbourhood second = model.computeIfAbsent(b, k -> new Neighbourhood());
    second.occurred(time, decay);
    first.coVisited(b, time, decay, 200);
    second.coVisited(a, time, decay, 200);
  }
}
