package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.streams.predict.HashedFeatures.Feature;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hashing trick: stable coordinates, the field in the name, the bias always present. */
class HashedFeaturesTest {

  private final HashedFeatures hashed = new HashedFeatures(20);

  @Test
  void shouldGiveTheSameCoordinatesForTheSameFeaturesEveryTimeWithTheBias() {
    List<Feature> features = List.of(Feature.of("placement", "top"), Feature.of("device", "mobile"),
        Feature.of("placement×hour", "top", "9"));
    int[] coordinates = hashed.coordinates(features);
    assertArrayEquals(coordinates, new HashedFeatures(20).coordinates(features), "another instance, the same space");
    assertEquals(0, coordinates[0], "the bias");
    assertEquals(4, coordinates.length);
    for (int c : coordinates) {
      assertTrue(c >= 0 && c < hashed.dimension());
    }
  }

  @Test
  void shouldTellAFieldsValueFromTheSameValueOfAnotherField() {
    assertNotEquals(hashed.coordinate(Feature.of("country", "us")), hashed.coordinate(Feature.of("device", "us")));
    assertNotEquals(hashed.coordinate(Feature.of("cross", "a b", "c")), hashed.coordinate(Feature.of("cross", "a", "b c")),
        "a cross's values are kept apart");
  }

  @Test
  void shouldSpreadManyValuesOverTheSpace() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(hashed.coordinate(Feature.of("product", "p" + i)));
    }
    assertTrue(seen.size() > 9_900, "10,000 products in 2^20 coordinates collide rarely: " + seen.size());
    assertThrows(IllegalArgumentException.class, () -> new HashedFeatures(40));
  }
}
