package io.beacon.loadgen.interactions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactItemToItemTest {

  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;
  private static final ExactItemToItem.Settings SETTINGS = new ExactItemToItem.Settings(DAY, 7 * DAY, 3);

  @Test
  void shouldCountACoVisitForEachInteractionWithEachProductTouchedBeforeItInTheWindow() {
    // Each count is worth w(t) at the newest interaction's time, 10 days.
    ExactItemToItem model = new ExactItemToItem(List.of(
        row(1, "u1", "a", 10 * DAY - 2 * HOUR, false),
        row(2, "u1", "b", 10 * DAY - HOUR, false), // co-visits a
        row(3, "u1", "a", 10 * DAY, false), // co-visits b again; a's own earlier interaction is no neighbour
        row(4, "u2", "a", 3 * DAY, false),
        row(5, "u2", "c", 3 * DAY + 25 * HOUR, true), // more than the window after a: no co-visit
        row(6, "u2", "b", 3 * DAY + 26 * HOUR, false)), SETTINGS); // within it of c
    assertEquals(w(10 * DAY - HOUR) + w(10 * DAY), model.together("a", "b"), 1e-12);
    assertEquals(model.together("a", "b"), model.together("b", "a"), 1e-12, "symmetric");
    assertEquals(0.0, model.together("a", "c"));
    assertEquals(w(3 * DAY + 26 * HOUR), model.together("c", "b"), 1e-12);
    assertEquals(w(10 * DAY - 2 * HOUR) + w(10 * DAY) + 0.5, model.occurrences("a"), 1e-12, "a week old: half");
    assertEquals(model.together("a", "b") / (model.occurrences("a") + model.occurrences("b")), model.similarity("a", "b"), 1e-12);
    assertEquals(3, model.largestHistory());
    assertEquals(2, model.mostNeighbours());
  }

  @Test
  void shouldScoreCandidatesByAffinityTimesSimilarityLeavingOutWhatTheUserTouchedWhenAsked() {
    ExactItemToItem model = new ExactItemToItem(List.of(
        row(1, "u1", "a", 0, false), row(2, "u1", "b", 1, false),
        row(3, "u2", "a", 0, false), row(4, "u2", "c", 1, false),
        row(5, "u3", "c", 0, false), row(6, "u3", "d", 1, false),
        row(7, "me", "a", 1, true)), SETTINGS);
    // c(a) = 3, c(b) = 1, c(c) = 2, c(a,b) = c(a,c) = 1 (a millisecond's decay aside); my affinity to a is a click's 3.
    List<ExactItemToItem.Scored> mine = model.recommend("me", 10, true);
    assertEquals(List.of("b", "c"), mine.stream().map(ExactItemToItem.Scored::productId).toList());
    assertEquals(3 / 4.0, mine.get(0).score(), 1e-6);
    assertEquals(3 / 5.0, mine.get(1).score(), 1e-6);
    // u1 touched a (a millisecond earlier, so a little less affinity) and b: a scores a(b)·s(b,a), b a(a)·s(a,b).
    assertEquals(List.of("c"), ids(model.recommend("u1", 10, true)));
    assertEquals(List.of("a", "b", "c"), ids(model.recommend("u1", 10, false)));
    assertEquals(List.of("a"), ids(model.recommend("u1", 1, false)));
  }

  private static List<String> ids(List<ExactItemToItem.Scored> scored) {
    return scored.stream().map(ExactItemToItem.Scored::productId).toList();
  }

  private static double w(long time) {
    return Math.pow(0.5, (10 * DAY - time) / (double) (7 * DAY));
  }

  private static Interaction row(long line, String user, String product, long time, boolean click) {
    return new Interaction(line, user, product, time, click);
  }
}
