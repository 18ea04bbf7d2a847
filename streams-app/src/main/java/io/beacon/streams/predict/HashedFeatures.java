package io.beacon.streams.predict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Named features, {@code field=value}, hashed into a fixed space of {@code 2^bits} coordinates
 * (the hashing trick): no dictionary of values to keep or share between instances, and an unseen
 * value needs no special case. Two features may share a coordinate; with 2^20 coordinates and the
 * values of an advertiser's catalog that is rare, and FTRL's per-coordinate rates absorb it.
 * Coordinate 0 is the bias, present in every example.
 */
public final class HashedFeatures {

  /** Any fixed seed: the same name must give the same coordinate on every instance and after every restart. */
  private static final int SEED = 0x6265_6163; // "beac"

  private final int bits;
  private final int mask;

  public HashedFeatures(int bits) {
    if (bits < 4 || bits > 28) {
      throw new IllegalArgumentException("feature hashing needs 4 to 28 bits, was " + bits);
    }
    this.bits = bits;
    this.mask = (1 << bits) - 1;
  }

  /** The size of the space: {@code 2^bits}. */
  public int dimension() {
    return 1 << bits;
  }

  /** A feature and its value, or a cross of several: {@code of("placement", "top")}, {@code of("placement×hour", "top", "9")}. */
  public record Feature(String field, List<String> values) {
    public static Feature of(String field, String... values) {
      return new Feature(field, List.of(values));
    }

    String name() {
      return field + "=" + String.join("\u001f", values);
    }
  }

  /** The coordinates of the bias and each feature, sorted, each once. */
  public int[] coordinates(List<Feature> features) {
    return coordinates(new int[] {0}, features);
  }

  /**
   * The coordinates of {@code known} (from {@link #coordinates(List)}) and of {@code more}, sorted,
   * each once: what {@link #coordinates(List)} gives for both lists together.
   */
  public int[] coordinates(int[] known, List<Feature> more) {
    int[] coordinates = Arrays.copyOf(known, known.length + more.size());
    for (int k = 0; k < more.size(); k++) {
      coordinates[known.length + k] = coordinate(more.get(k));
    }
    Arrays.sort(coordinates);
    int distinct = 0;
    for (int c : coordinates) {
      if (distinct == 0 || coordinates[distinct - 1] != c) {
        coordinates[distinct++] = c;
      }
    }
    return distinct == coordinates.length ? coordinates : Arrays.copyOf(coordinates, distinct);
  }

  /** A feature's coordinate, never 0 (the bias's). */
  public int coordinate(Feature feature) {
    byte[] name = feature.name().getBytes(StandardCharsets.UTF_8);
    int coordinate = MurmurHash3.hash32x86(name, 0, name.length, SEED) & mask;
    return coordinate == 0 ? 1 : coordinate;
  }
}
