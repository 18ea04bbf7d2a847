package io.beacon.service.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * The language of catalog text ({@code beacon.text.language}): Lucene's analyzer for it, which
 * lower-cases, drops the language's stop words and stems, so "zapatos" finds "zapato". {@code
 * standard} splits words and lower-cases only.
 */
public enum TextLanguage {
  ENGLISH(EnglishAnalyzer::new),
  SPANISH(SpanishAnalyzer::new),
  PORTUGUESE(PortugueseAnalyzer::new),
  FRENCH(FrenchAnalyzer::new),
  GERMAN(GermanAnalyzer::new),
  ITALIAN(ItalianAnalyzer::new),
  DUTCH(DutchAnalyzer::new),
  STANDARD(StandardAnalyzer::new);

  private final Supplier<Analyzer> analyzer;

  TextLanguage(Supplier<Analyzer> analyzer) {
    this.analyzer = analyzer;
  }

  /** A new analyzer for this language; the index and every query use the same one. */
  public Analyzer analyzer() {
    return analyzer.get();
  }

  /** The language named {@code name} (any case), or an error that lists the choices. */
  public static TextLanguage named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("beacon.text.language (BEACON_TEXT_LANGUAGE) must be one of " + choices() + ", was '"
          + name + "'");
    }
  }

  static String choices() {
    return Arrays.stream(values()).map(l -> l.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }
}
