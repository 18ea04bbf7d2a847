package io.beacon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory for one benchmark's broker, state and logs; deleted on close. */
final class Workspace implements AutoCloseable {

  private final Path dir;

  private Workspace(Path dir) {
    this.dir = dir;
  }

  static Workspace create() throws IOException {
    return new Workspace(Files.createTempDirectory("beacon-bench"));
  }

  Path resolve(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
