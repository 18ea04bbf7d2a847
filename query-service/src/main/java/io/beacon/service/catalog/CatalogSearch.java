package io.beacon.service.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
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
 * field), or, for words of {@link #FUZZY_FROM} letters and more, a term one edit away (two from
 * {@link #TWO_EDITS_FROM}), which Lucene finds from its term automaton without a scan. The last
 * word may also be the start of an id or a word, as typed into a search box. Ranked by BM25
 * (exact terms before fuzzy ones and starts, fields by {@link #PRODUCT_FIELDS}), ties by id; an
 * empty query lists everything by id.
 */
public final class CatalogSearch {

  static final int FUZZY_FROM = 4;
  static final int TWO_EDITS_FROM = 8;
  /** A fuzzy match counts this much of an exact one. */
  static final float FUZZY_WEIGHT = 0.3f;
  /** The last word may be the start of one, as typed into a search box: from this many letters. */
  static final int PREFIX_FROM = 2;
  /** A match of the last word's start counts this much of an exact one. */
  static final float PREFIX_WEIGHT = 0.2f;
  /** An exact id counts far above any text match. */
  static final float ID_WEIGHT = 10f;
  static final Map<String, Float> PRODUCT_FIELDS = Map.of(
      CatalogIndex.TITLE, 3f, CatalogIndex.BRAND, 2f, CatalogIndex.CATEGORY, 2f, CatalogIndex.DESCRIPTION, 1f);
  static final Map<String, Float> ADVERTISER_FIELDS = Map.of(CatalogIndex.NAME, 1f);

  private final CatalogIndex index;

  public CatalogSearch(CatalogIndex index) {
    this.index = index;
  }

  /** Ids of products matching {@code query}, of {@code advertiserId} when given, of {@code readable} advertisers when given. */
  public List<String> products(String query, Optional<String> advertiserId, Optional<Set<String>> readable, int limit) {
    BooleanQuery.Builder filtered = new BooleanQuery.Builder()
        .add(match(query, CatalogIndex.PRODUCT_ID, PRODUCT_FIELDS), BooleanClause.Occur.MUST)
        .add(new TermQuery(new Term(CatalogIndex.KIND, CatalogIndex.PRODUCT)), BooleanClause.Occur.FILTER);
    advertiserId.ifPresent(id -> filtered.add(new TermQuery(new Term(CatalogIndex.ADVERTISER_ID, id)), BooleanClause.Occur.FILTER));
    readable.ifPresent(ids -> filtered.add(advertiserIn(ids), BooleanClause.Occur.FILTER));
    return ids(filtered.build(), CatalogIndex.PRODUCT_ID, limit);
  }

  /** Ids of advertisers matching {@code query}, of {@code readable} advertisers when given. */
  public List<String> advertisers(String query, Optional<Set<String>> readable, int limit) {
    BooleanQuery.Builder filtered = new BooleanQuery.Builder()
        .add(match(query, CatalogIndex.ADVERTISER_ID, ADVERTISER_FIELDS), BooleanClause.Occur.MUST)
        .add(new TermQuery(new Term(CatalogIndex.KIND, CatalogIndex.ADVERTISER)), BooleanClause.Occur.FILTER);
    readable.ifPresent(ids -> filtered.add(advertiserIn(ids), BooleanClause.Occur.FILTER));
    return ids(filtered.build(), CatalogIndex.ADVERTISER_ID, limit);
  }

  private Query match(String query, String idField, Map<String, Float> fields) {
    List<String> words = Arrays.stream(query.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) {
      return new MatchAllDocsQuery();
    }
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    boolean any = false;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      boolean last = i == words.size() - 1;
      Set<String> terms = SimilarProducts.analyze(index.analyzer(), CatalogIndex.TITLE, word);
      if (terms.isEmpty() && words.size() > 1) {
        continue; // a stop word ("the", "de") asks for nothing
      }
      any = true;
      BooleanQuery.Builder either = new BooleanQuery.Builder()
          .add(new BoostQuery(new TermQuery(new Term(idField, word)), ID_WEIGHT), BooleanClause.Occur.SHOULD);
      if (last) {
        either.add(new BoostQuery(new PrefixQuery(new Term(idField, word)), PREFIX_WEIGHT), BooleanClause.Occur.SHOULD);
      }
      for (Map.Entry<String, Float> field : fields.entrySet()) {
        either.add(new BoostQuery(wordIn(field.getKey(), terms), field.getValue()), BooleanClause.Occur.SHOULD);
        if (last && terms.size() == 1 && word.length() >= PREFIX_FROM) {
          either.add(new BoostQuery(new PrefixQuery(new Term(field.getKey(), word.toLowerCase(Locale.ROOT))),
              field.getValue() * PREFIX_WEIGHT), BooleanClause.Occur.SHOULD);
        }
      }
      all.add(either.build(), BooleanClause.Occur.MUST);
    }
    return any ? all.build() : new MatchAllDocsQuery();
  }

  /**
   * A word in a field: its one term, or a term one or two edits away; a word the analyzer splits
   * ("adv-2", "t-shirt") needs all its terms, exactly.
   */
  private static Query wordIn(String field, Set<String> terms) {
    if (terms.size() != 1) {
      BooleanQuery.Builder every = new BooleanQuery.Builder();
      terms.forEach(term -> every.add(new TermQuery(new Term(field, term)), BooleanClause.Occur.MUST));
      return every.build();
    }
    String term = terms.iterator().next();
    int edits = term.length() >= TWO_EDITS_FROM ? 2 : term.length() >= FUZZY_FROM ? 1 : 0;
    Query exact = new TermQuery(new Term(field, term));
    if (edits == 0) {
      return exact;
    }
    return new BooleanQuery.Builder()
        .add(exact, BooleanClause.Occur.SHOULD)
        .add(new BoostQuery(new FuzzyQuery(new Term(field, term), edits, 1), FUZZY_WEIGHT), BooleanClause.Occur.SHOULD)
        .build();
  }

  private static Query advertiserIn(Set<String> ids) {
    return new TermInSetQuery(CatalogIndex.ADVERTISER_ID, ids.stream().map(BytesRef::new).toList());
  }

  private List<String> ids(Query query, String idField, int limit) {
    return index.read(reader -> {
      IndexSearcher searcher = new IndexSearcher(reader);
      try {
        ScoreDoc[] hits = searcher.search(query, limit, new Sort(SortField.FIELD_SCORE,
            new SortField(CatalogIndex.SORT_ID, SortField.Type.STRING)), false).scoreDocs;
        List<String> ids = new ArrayList<>(hits.length);
        for (ScoreDoc hit : hits) {
          ids.add(searcher.storedFields().document(hit.doc, Set.of(idField)).get(idField));
        }
        return ids;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot search the catalog index: " + e.getMessage(), e);
      }
    });
  }
}
