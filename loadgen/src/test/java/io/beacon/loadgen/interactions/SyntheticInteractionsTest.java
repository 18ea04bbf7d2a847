package io.beacon.loadgen.interactions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticInteractionsTest {

  @Test
  void shouldGiveTheSameRowsForTheSameSeedAndOthersForAnother() {
    assertEquals(SyntheticInteractions.small(5).generate(), SyntheticInteractions.small(5).generate());
    assertNotEquals(SyntheticInteractions.small(5).generate(), SyntheticInteractions.small(6).generate());
  }

  @Test
  void shouldMakeTheSmallSetOf100UsersAnd50ProductsWith5000Interactions() {
    List<Interaction> rows = SyntheticInteractions.small(7).generate();
    assertEquals(5_000, rows.size());
    assertEquals(100, rows.stream().map(Interaction::userId).distinct().count());
    assertEquals(50, rows.stream().map(Interaction::productId).distinct().count());
    for (int i = 1; i < rows.size(); i++) {
      assertTrue(rows.get(i - 1).time() <= rows.get(i).time(), "by time");
      assertEquals(i + 2, rows.get(i).line(), "numbered as lines of the file");
    }
  }

  /** The sample in examples/ is this generator's small set of seed 7, as the README says. */
  @Test
  void shouldHaveWrittenTheShippedSample() throws Exception {
    assertEquals(SyntheticInteractions.small(7).generate(), InteractionsCsv.read(Path.of("..", "examples", "interactions-sample.csv")));
  }

  /** Users keep to their taste groups: most of a user's interactions are with products of one group (id modulo groups). */
  @Test
  void shouldKeepMostOfAUsersInteractionsInTheirGroups() {
    SyntheticInteractions set = SyntheticInteractions.standard(7);
    Map<String, List<Interaction>> byUser = set.generate().stream().collect(Collectors.groupingBy(Interaction::userId));
    double mainShare = byUser.values().stream().mapToDouble(rows -> {
      Map<Integer, Integer> groups = new HashMap<>();
      rows.forEach(row -> groups.merge((Integer.parseInt(row.productId().substring(1)) - 1) % set.groups(), 1, Integer::sum));
      return groups.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) rows.size();
    }).average().orElse(0);
    assertTrue(mainShare > 0.55 && mainShare < 0.95, "a user's main group's share: " + mainShare);
    long clicks = byUser.values().stream().flatMap(List::stream).filter(Interaction::click).count();
    long all = byUser.values().stream().mapToLong(List::size).sum();
    assertEquals(set.clickShare(), clicks / (double) all, 0.01);
  }
}
