package io.beacon.service.catalog;

import java.util.Locale;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.ClassicSimilarity;
import org.apache.lucene.search.similarities.Similarity;

/**
 * How similar products are scored. Both query the same index with the seed product's most telling
 * terms (Lucene's MoreLikeThis, terms chosen by tf·idf in the seed); they differ in how a candidate
 * scores on those terms. Lucene encodes a field's length the same way for both, so one index
 * serves both (docs/eval-similar.md compares them).
 */
public enum SimilarityMethod {
  /** BM25: term frequency saturates, long texts are damped; Lucene's default. */
  BM25(new BM25Similarity()),
  /** Classic TF-IDF with cosine length normalisation, as batch content recommenders compute it. */
  TFIDF(new ClassicSimilarity());

  private final Similarity similarity;

  SimilarityMethod(Similarity similarity) {
    this.similarity = similarity;
  }

  Similarity similarity() {
    return similarity;
  }

  /** The lower-case name the API and settings use. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method named {@code name} (any case); empty when there is none. */
  public static java.util.Optional<SimilarityMethod> named(String name) {
    for (SimilarityMethod method : values()) {
      if (method.id().equalsIgnoreCase(name.trim())) {
        return java.util.Optional.of(method);
      }
    }
    return java.util.Optional.empty();
  }
}
