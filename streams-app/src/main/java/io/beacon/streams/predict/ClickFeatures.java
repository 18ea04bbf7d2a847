package io.beacon.streams.predict;

import io.beacon.avro.Example;
import io.beacon.avro.Product;
import io.beacon.streams.predict.HashedFeatures.Feature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The features of one impression, the same when a model learns from it and when {@code predict}
 * asks about it: the advertiser, the product, its placement and campaign, the hour of the day and
 * the day of the week (UTC), each context feature, the product's category and brand from the
 * catalog, and crosses of the placement with the product, the hour and each context feature, and
 * of the product with each context feature. A feature that is absent is left out, never given a
 * made-up value. Context values count in any case: "Male", "male" and "MALE" are one feature.
 */
public final class ClickFeatures {

  private ClickFeatures() {}

  /** What an impression is known by. {@code product} is the catalog's entry, or null when the catalog has none. */
  public record Impression(String advertiserId, String productId, String campaignId, String placement, Instant at,
      Map<String, String> context, Product product) {

    /** The impression an example was made of, with the product as the catalog has it now. */
    public static Impression of(Example example, Product product) {
      return new Impression(example.getAdvertiserId(), example.getProductId(), example.getCampaignId(), example.getPlacement(),
          example.getImpressionTime(), example.getContext(), product);
    }
  }

  /** The advertiser's feature, which the smoothed-CTR baseline counts too. */
  public static Feature advertiser(String advertiserId) {
    return Feature.of("advertiser", advertiserId);
  }

  /** The product's feature, which the smoothed-CTR baseline counts too. */
  public static Feature product(String advertiserId, String productId) {
    return Feature.of("product", advertiserId, productId);
  }

  /** Every feature of the impression: those of its moment, then those of its product. */
  public static List<Feature> of(Impression impression) {
    List<Feature> features = new ArrayList<>(24);
    features.addAll(ofMoment(impression));
    features.addAll(ofProduct(impression));
    return features;
  }

  /**
   * The features every candidate product of one request shares: the advertiser, the time, the
   * placement and the context, and their crosses.
   */
  public static List<Feature> ofMoment(Impression impression) {
    List<Feature> features = new ArrayList<>(12);
    String placement = impression.placement();
    ZonedDateTime at = impression.at().atZone(ZoneOffset.UTC);
    String hour = Integer.toString(at.getHour());
    features.add(advertiser(impression.advertiserId()));
    features.add(Feature.of("hour", hour));
    features.add(Feature.of("weekday", at.getDayOfWeek().name()));
    if (placement != null) {
      features.add(Feature.of("placement", placement));
      features.add(Feature.of("placement×hour", placement, hour));
    }
    context(impression).forEach((name, value) -> {
      features.add(Feature.of("context." + name, value));
      if (placement != null) {
        features.add(Feature.of("placement×context." + name, placement, value));
      }
    });
    return features;
  }

  /** The features of the impression's product: the product, its campaign, category and brand, and their crosses. */
  public static List<Feature> ofProduct(Impression impression) {
    List<Feature> features = new ArrayList<>(12);
    String advertiser = impression.advertiserId();
    String product = impression.productId();
    features.add(product(advertiser, product));
    if (impression.campaignId() != null) {
      features.add(Feature.of("campaign", advertiser, impression.campaignId()));
    }
    if (impression.placement() != null) {
      features.add(Feature.of("placement×product", impression.placement(), advertiser, product));
    }
    Product catalog = impression.product();
    if (catalog != null && catalog.getCategory() != null) {
      features.add(Feature.of("category", advertiser, catalog.getCategory()));
    }
    if (catalog != null && catalog.getBrand() != null) {
      features.add(Feature.of("brand", catalog.getBrand()));
    }
    context(impression).forEach((name, value) -> features.add(Feature.of("product×context." + name, advertiser, product, value)));
    return features;
  }

  /**
   * The context in name order (the features must not depend on the map's order), values
   * lower-cased: "Male", "male" and "MALE" are one value.
   */
  private static Map<String, String> context(Impression impression) {
    if (impression.context() == null) {
      return Map.of();
    }
    Map<String, String> ordered = new TreeMap<>();
    impression.context().forEach((name, value) -> ordered.put(name, value.toLowerCase(Locale.ROOT)));
    return ordered;
  }
}
