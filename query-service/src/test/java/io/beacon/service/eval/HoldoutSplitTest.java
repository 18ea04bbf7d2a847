package io.beacon.service.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.loadgen.interactions.Interaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {

  private static final long DAY = 86_400_000;

  @Test
  void shouldHoldOutEachUsersLatestAndTestOnlyProductsNewToThem() {
    List<Interaction> rows = new ArrayList<>(List.of(
        row(5, "u1", "c", 3 * DAY), row(2, "u1", "a", DAY), row(3, "u1", "b", 2 * DAY), row(4, "u1", "a", 3 * DAY),
        row(6, "u2", "a", DAY), row(7, "u2", "b", 2 * DAY),
        row(8, "u3", "a", DAY)));

    HoldoutSplit split = HoldoutSplit.of(rows, 2, Duration.ofDays(35));

    // u1: a and b train; a again and c held out, a seen: only c is a test product. u2 and u3 have
    // no more than the 2 held out: all theirs train.
    assertEquals(List.of(2L, 6L, 8L, 3L, 7L), split.training().stream().map(Interaction::line).toList(), "by time, then line");
    assertEquals(Map.of("u1", Set.of("c")), split.test());
    assertEquals(2, split.heldOut());
    assertEquals(0, split.beyondReach());
  }

  @Test
  void shouldLeaveOutTrainingOlderThanTheReachBeforeTheNewest() {
    List<Interaction> rows = new ArrayList<>(List.of(row(2, "u1", "a", 0), row(3, "u1", "b", 40 * DAY), row(4, "u2", "a", 41 * DAY)));
    HoldoutSplit split = HoldoutSplit.of(rows, 5, Duration.ofDays(34));
    assertEquals(List.of(3L, 4L), split.training().stream().map(Interaction::line).toList());
    assertEquals(1, split.beyondReach());
  }

  private static Interaction row(long line, String user, String product, long time) {
    return new Interaction(line, user, product, time, false);
  }
}
