package io.beacon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTableTest {

  @TempDir
  Path dir;

  @Test
  void theTableReplacesTheOldOneAndTheProseAsItIsNowStays() throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "before\n<!-- bench all: table start -->\n| old |\n<!-- bench all: table end -->\nafter, edited during the run\n");
    Bench.writeTable(file, "| new |\n");
    assertEquals("before\n<!-- bench all: table start -->\n| new |\n<!-- bench all: table end -->\nafter, edited during the run\n",
        Files.readString(file));
  }

  @Test
  void aFileWithoutTheMarkersIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "no markers\n");
    assertThrows(IllegalArgumentException.class, () -> Bench.writeTable(file, "| new |\n"));
    assertEquals("no markers\n", Files.readString(file));
  }
}
