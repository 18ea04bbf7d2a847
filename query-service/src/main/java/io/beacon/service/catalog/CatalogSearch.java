package io.beacon.service.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Catalog search on the catalog index: products by id, title, brand, category and description, and
 * advertisers by id and name. Every word of the query must match: its exact id, or a term of a
 * field (after the language's analysis; a word the analyzer splits needs all its parts in one
 * field). A word the index does not hold is taken for a typo, from {@link #FUZZY_FROM} letters:
 * terms one edit away (two from {@link #TWO_EDITS_FROM}), which Lucene finds from its term
 * automaton without a scan; a last word it does not hold may also be the start of one, as typed
 * into a search box. Widening only unknown words keeps a search of known words as cheap as their
 * lists of products. Ranked by BM25 (fields by {@link #PRODUCT_FIELDS}), ties by id; an empty query
 * lists everything by id.
 */
public final class CatalogSearch {

  static final int FUZZY_FROM = 4;
  static final int TWO_EDITS_FROM = 8;
  /** A last word the index does not hold may be the start of one, from this many letters. */
  static final int PREFIX_FROM = 3;
  /** Terms a typo or a start is widened to, the most frequent first: a short start matches thousands. */
  static final int EXPANSIONS = 16;
  /** A widened match counts this much of an exact one. */
  static final float WIDENED_WEIGHT = 0.3f;
  /** An exact id counts far above any text match. */
  static final float ID_WEIGHT = 10f;
  static final Map<String, Float> PRODUCT_FIELDS = Map.of(
      CatalogIndex.TITLE, 3f, CatalogIndex.BRAND, 2f, CatalogIndex.CATEGORY, 2f, CatalogIndex.DESCRIPTION, 1f);
  static final Map<String, Float> ADVERTISER_FIELDS = Map.of(CatalogIndex.NAME, 1f);
  private static final MultiTermQuery.RewriteMethod WIDENED = new MultiTermQuery.TopTermsBlendedFreqScoringRewrite(EXPANSIONS);

  private final CatalogIndex index;

  public CatalogSearch(CatalogIndex index) {
    this.index = index;
  }

  /** Ids of products matching {@code query}, of {@code advertiserId} when given, of {@code readable} advertisers when given. */
  public List<String> products(String query, Optional<String> advertiserId, Optional<Set<String>> readable, int limit) {
    return index.read(reader -> {
      Query match = match(reader, query, CatalogIndex.PRODUCT_ID, PRODUCT_FIELDS);
      BooleanQuery.Builder filtered = new BooleanQuery.Builder().add(match, BooleanClause.Occur.MUST);
      if (match instanceof MatchAllDocsQuery) {
        // Text fields are products' alone; everything needs telling products from advertisers.
        filtered.add(new TermQuery(new Term(CatalogIndex.KIND, CatalogIndex.PRODUCT)), BooleanClause.Occur.FILTER);
      }
      advertiserId.ifPresent(id -> filtered.add(new TermQuery(new Term(CatalogIndex.ADVERTISER_ID, id)), BooleanClause.Occur.FILTER));
      readable.ifPresent(ids -> filtered.add(advertiserIn(ids), BooleanClause.Occur.FILTER));
      return ids(reader, filtered.build(), match instanceof MatchAllDocsQuery, limit);
    });
  }

  /** Ids of advertisers matching {@code query}, of {@code readable} advertisers when given. */
  public List<String> advertisers(String query, Optional<Set<String>> readable, int limit) {
    return index.read(reader -> {
      Query match = match(reader, query, CatalogIndex.ADVERTISER_ID, ADVERTISER_FIELDS);
      BooleanQuery.Builder filtered = new BooleanQuery.Builder()
          .add(match, BooleanClause.Occur.MUST)
          .add(new TermQuery(new Term(CatalogIndex.KIND, CatalogIndex.ADVERTISER)), BooleanClause.Occur.FILTER);
      readable.ifPresent(ids -> filtered.add(advertiserIn(ids), BooleanClause.Occur.FILTER));
      return ids(reader, filtered.build(), match instanceof MatchAllDocsQuery, limit);
    });
  }

  private Query match(IndexReader reader, String query, String idField, Map<String, Float> fields) {
    List<String> words = Arrays.stream(query.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    boolean any = false;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      Set<String> terms = SimilarProducts.analyze(index.analyzer(), CatalogIndex.TITLE, word);
      if (terms.isEmpty() && words.size() > 1) {
        continue; // a stop word ("the", "de") asks for nothing
      }
      any = true;
      Term id = new Term(idField, word);
      boolean known = held(reader, id) || terms.size() != 1
          || fields.keySet().stream().anyMatch(field -> held(reader, new Term(field, terms.iterator().next())));
      BooleanQuery.Builder either = new BooleanQuery.Builder().add(new BoostQuery(new TermQuery(id), ID_WEIGHT), BooleanClause.Occur.SHOULD);
      for (Map.Entry<String, Float> field : fields.entrySet()) {
        either.add(new BoostQuery(exactly(field.getKey(), terms), field.getValue()), BooleanClause.Occur.SHOULD);
      }
      if (!known) {
        widen(either, id, terms.iterator().next(), word, i == words.size() - 1, fields);
      }
      all.add(either.build(), BooleanClause.Occur.MUST);
    }
    return any ? all.build() : new MatchAllDocsQuery();
  }

  /** A word in a field: its one term, or, for a word the analyzer splits, all its terms. */
  private static Query exactly(String field, Set<String> terms) {
    if (terms.size() == 1) {
      return new TermQuery(new Term(field, terms.iterator().next()));
    }
    BooleanQuery.Builder every = new BooleanQuery.Builder();
    terms.forEach(term -> every.add(new TermQuery(new Term(field, term)), BooleanClause.Occur.MUST));
    return every.build();
  }

  /** Adds the typo and start-of-word alternatives of a word the index does not hold. */
  private static void widen(BooleanQuery.Builder either, Term id, String term, String word, boolean last, Map<String, Float> fields) {
    int edits = term.length() >= TWO_EDITS_FROM ? 2 : term.length() >= FUZZY_FROM ? 1 : 0;
    boolean start = last && word.length() >= PREFIX_FROM;
    if (start) {
      either.add(new BoostQuery(new PrefixQuery(id, WIDENED), WIDENED_WEIGHT), BooleanClause.Occur.SHOULD);
    }
    for (Map.Entry<String, Float> field : fields.entrySet()) {
      float weight = field.getValue() * WIDENED_WEIGHT;
      if (edits > 0) {
        either.add(new BoostQuery(new FuzzyQuery(new Term(field.getKey(), term), edits, 1, EXPANSIONS, true), weight),
            BooleanClause.Occur.SHOULD);
      }
      if (start) {
        either.add(new BoostQuery(new PrefixQuery(new Term(field.getKey(), word.toLowerCase(Locale.ROOT)), WIDENED), weight),
            BooleanClause.Occur.SHOULD);
      }
    }
  }

  private static boolean held(IndexReader reader, Term term) {
    try {
      return reader.docFreq(term) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Query advertiserIn(Set<String> ids) {
    return new TermInSetQuery(CatalogIndex.ADVERTISER_ID, ids.stream().map(BytesRef::new).toList());
  }

  private record Hit(float score, String id) {}

  /** Ids of the best {@code limit} matches, equal scores by id; all by id when {@code everything}. */
  private static List<String> ids(IndexReader reader, Query query, boolean everything, int limit) {
    IndexSearcher searcher = new IndexSearcher(reader);
    try {
      // By score alone, which lets Lucene skip what cannot enter the top (see SimilarProducts).
      ScoreDoc[] found = everything
          ? searcher.search(query, limit, new Sort(new SortField(CatalogIndex.SORT_ID, SortField.Type.STRING))).scoreDocs
          : searcher.search(query, limit).scoreDocs;
      List<Hit> hits = new ArrayList<>(found.length);
      List<LeafReaderContext> leaves = reader.leaves();
      for (ScoreDoc hit : found) {
        // From doc values: reading stored fields decompresses a block of documents for each one.
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
        SortedDocValues ids = DocValues.getSorted(leaf.reader(), CatalogIndex.SORT_ID);
        if (!ids.advanceExact(hit.doc - leaf.docBase)) {
          throw new IllegalStateException("catalog document " + hit.doc + " has no id");
        }
        hits.add(new Hit(everything ? 0 : hit.score, ids.lookupOrd(ids.ordValue()).utf8ToString()));
      }
      hits.sort(Comparator.comparingDouble((Hit hit) -> -hit.score()).thenComparing(Hit::id));
      return hits.stream().map(Hit::id).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the catalog index: " + e.getMessage(), e);
    }
  }
}
