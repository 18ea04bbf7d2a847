package io.beacon.service.catalog;

import java.time.Duration;

/**
 * The catalog index's settings ({@code beacon.text.*}, {@code beacon.similar.*}), checked.
 *
 * @param language the analyzer of every text field
 * @param method the default scoring of similar products
 * @param refresh how often new catalog records become searchable
 * @param weights each field's weight in {@code features=all}
 */
public record SimilarConfig(TextLanguage language, SimilarityMethod method, Duration refresh, FieldWeights weights) {

  /** Each text field's weight when similar products compare all of them. */
  public record FieldWeights(double title, double brand, double category, double description) {
    public FieldWeights {
      check(title, "title-weight");
      check(brand, "brand-weight");
      check(category, "category-weight");
      check(description, "description-weight");
    }

    private static void check(double weight, String name) {
      if (!(weight >= 0 && weight <= 100)) {
        throw new IllegalArgumentException("beacon.similar." + name + " must be 0 to 100, was " + weight);
      }
    }
  }

  public SimilarConfig {
    if (refresh == null || refresh.isNegative() || refresh.isZero() || refresh.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("beacon.similar.refresh must be more than 0 and at most 10s, was " + refresh);
    }
  }

  /** The defaults {@code application.yml} documents. */
  public static SimilarConfig defaults() {
    return new SimilarConfig(TextLanguage.ENGLISH, SimilarityMethod.BM25, Duration.ofMillis(100), new FieldWeights(0.5, 0.25, 0.25, 1.0));
  }

  /** The settings as given, or an error naming the one that is wrong. */
  public static SimilarConfig of(String language, String method, Duration refresh, FieldWeights weights) {
    SimilarityMethod chosen = SimilarityMethod.named(method == null ? "" : method).orElseThrow(() -> new IllegalArgumentException(
        "beacon.similar.method (BEACON_SIMILAR_METHOD) must be bm25 or tfidf, was '" + method + "'"));
    return new SimilarConfig(TextLanguage.named(language == null ? "" : language), chosen, refresh, weights);
  }
}
