package io.beacon.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released schema (a copy under src/test/resources/released) must stay readable by the
 * current one, and records written now must stay readable by consumers still on a released one:
 * producers and consumers upgrade one at a time. Add a released/vN folder when a schema ships.
 */
class SchemaCompatibilityTest {

  static Stream<Arguments> released() {
    return Stream.of(
        Arguments.of("released/v1/AdEvent.avsc", AdEvent.getClassSchema()),
        Arguments.of("released/v1/Advertiser.avsc", Advertiser.getClassSchema()),
        Arguments.of("released/v1/Product.avsc", Product.getClassSchema()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("released")
  void shouldStayCompatibleBothWaysWithReleasedSchemas(String resource, Schema current)
      throws IOException {
    Schema released = load(resource);
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType(),
        "current schema cannot read records written with " + resource);
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType(),
        "consumers on " + resource + " cannot read records written now");
  }

  private static Schema load(String resource) throws IOException {
    try (InputStream in = SchemaCompatibilityTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }
}
