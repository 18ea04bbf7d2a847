package io.beacon.loadgen.interactions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionsCsvTest {

  @TempDir
  Path dir;

  @Test
  void shouldReadIsoInstantsEpochSecondsAndMillisecondsWithOrWithoutTypes() throws Exception {
    long at = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    Path typed = write("user_id,product_id,event_time,type", "u1,p1,2026-11-20T10:00:00Z,view", "u1,p2," + at / 1000 + ",CLICK",
        "", "u2,p1," + at + ",");
    assertEquals(List.of(new Interaction(2, "u1", "p1", at, false), new Interaction(3, "u1", "p2", at, true),
        new Interaction(5, "u2", "p1", at, false)), InteractionsCsv.read(typed));

    Path untyped = write("user_id,product_id,event_time", "u1,p1,2026-11-20T10:00:00Z");
    assertEquals(List.of(new Interaction(2, "u1", "p1", at, false)), InteractionsCsv.read(untyped));
  }

  @Test
  void shouldNameTheLineAndTheFieldOfABadRow() throws Exception {
    assertMessage("line 1: the header must be", write("user,product,time", "u1,p1,2026-11-20T10:00:00Z"));
    assertMessage("line 3: event_time must be an ISO-8601 instant", write("user_id,product_id,event_time",
        "u1,p1,2026-11-20T10:00:00Z", "u1,p2,yesterday"));
    assertMessage("line 2: type must be view or click, was 'impression'", write("user_id,product_id,event_time,type",
        "u1,p1,2026-11-20T10:00:00Z,impression"));
    assertMessage("line 2: 2 fields, expected 3", write("user_id,product_id,event_time", "u1,2026-11-20T10:00:00Z"));
    assertMessage("line 2: product_id must be a non-empty id", write("user_id,product_id,event_time", "u1,,2026-11-20T10:00:00Z"));
    assertMessage("holds a header and no interactions", write("user_id,product_id,event_time"));
  }

  @Test
  void shouldReadWhatItWrites() throws Exception {
    List<Interaction> rows = SyntheticInteractions.small(3).generate();
    Path file = dir.resolve("written.csv");
    InteractionsCsv.write(file, rows);
    assertEquals(rows, InteractionsCsv.read(file));
  }

  private Path write(String... lines) throws Exception {
    Path file = Files.createTempFile(dir, "interactions", ".csv");
    Files.write(file, List.of(lines));
    return file;
  }

  private static void assertMessage(String expected, Path file) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InteractionsCsv.read(file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
