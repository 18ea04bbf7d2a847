package io.beacon.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The topology's shape is part of its contract: a renamed store or topic loses its state in
 * production. If this fails on purpose, plan the migration, then rerun with
 * {@code -Dbeacon.topology.update=true} to write the new snapshot and commit it.
 */
class TopologySnapshotTest {

  private static final Path SNAPSHOT = Path.of("src/test/resources/topology/describe.txt");

  @Test
  void shouldKeepEveryStoreTopicAndProcessorName() throws IOException {
    String described = BeaconTopology.build(BeaconConfig.defaults("unused:9092")).describe().toString();
    if (Boolean.getBoolean("beacon.topology.update")) {
      Files.createDirectories(SNAPSHOT.getParent());
      Files.writeString(SNAPSHOT, described, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(SNAPSHOT, StandardCharsets.UTF_8), described);
  }
}
