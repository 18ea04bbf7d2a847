package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.Product;
import io.beacon.streams.predict.ClickFeatures.Impression;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickFeaturesTest {

  private static final Instant TUESDAY_NINE = Instant.parse("2026-12-01T09:30:00Z");
  private final HashedFeatures hashed = new HashedFeatures(20);

  private static List<String> names(Impression impression) {
    return ClickFeatures.of(impression).stream().map(HashedFeatures.Feature::name).toList();
  }

  @Test
  void shouldNameEveryFeatureAndCrossOfAnImpressionAndLeaveOutWhatIsAbsent() {
    Product product = Product.newBuilder().setProductId("p1").setAdvertiserId("a").setTitle("Tent").setCategory("camping")
        .setUpdatedAt(TUESDAY_NINE).build();
    List<String> names = names(new Impression("a", "p1", null, "top", TUESDAY_NINE, Map.of("device", "mobile"), product));
    assertEquals(List.of("advertiser=a", "hour=9", "weekday=TUESDAY", "placement=top", "placement×hour=top\u001f9",
        "context.device=mobile", "placement×context.device=top\u001fmobile",
        "product=a\u001fp1", "placement×product=top\u001fa\u001fp1", "category=a\u001fcamping", "product×context.device=a\u001fp1\u001fmobile"),
        names, "the moment's features, then the product's");
    assertTrue(names(new Impression("a", "p1", null, null, TUESDAY_NINE, null, null)).stream().noneMatch(n -> n.startsWith("placement")),
        "no placement: no placement features, no made-up value");
  }

  @Test
  void shouldHashTheSameWhateverTheContextsOrderAndTheCaseOfItsValues() {
    Map<String, String> one = new LinkedHashMap<>();
    one.put("device", "Mobile");
    one.put("gender", "Male");
    Map<String, String> other = new LinkedHashMap<>();
    other.put("gender", "MALE");
    other.put("device", "mobile");
    assertArrayEquals(hashed.coordinates(ClickFeatures.of(new Impression("a", "p", null, "top", TUESDAY_NINE, one, null))),
        hashed.coordinates(ClickFeatures.of(new Impression("a", "p", null, "top", TUESDAY_NINE, other, null))));
  }
}
