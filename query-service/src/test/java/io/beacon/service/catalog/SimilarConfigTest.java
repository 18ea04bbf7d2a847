package io.beacon.service.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.junit.jupiter.api.Test;

/** The catalog index's settings: a wrong one stops the start with a message naming it and its variable. */
class SimilarConfigTest {

  private static final SimilarConfig.FieldWeights WEIGHTS = SimilarConfig.defaults().weights();

  @Test
  void shouldNameTheSettingAndItsVariableWhenOneIsWrong() {
    String language = assertThrows(IllegalArgumentException.class,
        () -> SimilarConfig.of("klingon", "bm25", Duration.ofMillis(100), WEIGHTS)).getMessage();
    assertTrue(language.contains("BEACON_TEXT_LANGUAGE") && language.contains("spanish") && language.contains("'klingon'"), language);
    String method = assertThrows(IllegalArgumentException.class,
        () -> SimilarConfig.of("english", "word2vec", Duration.ofMillis(100), WEIGHTS)).getMessage();
    assertTrue(method.contains("BEACON_SIMILAR_METHOD") && method.contains("bm25 or tfidf"), method);
    String refresh = assertThrows(IllegalArgumentException.class,
        () -> SimilarConfig.of("english", "bm25", Duration.ZERO, WEIGHTS)).getMessage();
    assertTrue(refresh.contains("beacon.similar.refresh"), refresh);
    String weight = assertThrows(IllegalArgumentException.class, () -> new SimilarConfig.FieldWeights(2, -1, 1, 1)).getMessage();
    assertTrue(weight.contains("beacon.similar.brand-weight"), weight);
  }

  @Test
  void shouldTakeTheLanguageAndMethodInAnyCase() {
    SimilarConfig config = SimilarConfig.of(" Spanish ", "TFIDF", Duration.ofMillis(100), WEIGHTS);
    assertEquals(SimilarityMethod.TFIDF, config.method());
    assertTrue(config.language().analyzer() instanceof SpanishAnalyzer);
  }
}
