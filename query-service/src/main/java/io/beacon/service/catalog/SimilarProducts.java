package io.beacon.service.catalog;

import io.beacon.streams.query.QueryResult;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.mlt.MoreLikeThis;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/**
 * Products like a given one, from their text. For each field compared, the seed's most telling
 * terms (MoreLikeThis: by tf·idf within the seed, at most {@link #QUERY_TERMS}) make a query on
 * that field, weighted by the field's weight; candidates are scored on them by the chosen {@link
 * SimilarityMethod}. Each answer names the query terms it shares with the seed, strongest first.
 */
public final class SimilarProducts {

  /** Which text is compared. */
  public enum Features {
    /** The description alone. */
    DESCRIPTION,
    /** Title, brand, category and description, each with its weight. */
    ALL;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A similar product and the shared terms that made it so. */
  public record Item(String productId, String advertiserId, String title, double score, List<String> terms) {}

  /** Similar products, best first; {@code reason} says why there are none, when so. */
  public record Answer(List<Item> items, String reason) {}

  /**
   * Terms taken from the seed per field. Lucene's default is 25; each term more is one more list of
   * products to walk, and a query's time grew with them (BENCHMARKS.md, Similar products).
   */
  static final int QUERY_TERMS = 12;
  /** A term in more of the catalog's products than this share is not asked for ... */
  static final int MAX_DOC_FREQ_PERCENT = 10;
  /** ... unless in fewer than this many: in a small catalog every term is worth asking for. */
  static final int MIN_DOC_FREQ_CAP = 1000;
  /** Shared terms named per answer. */
  static final int TERMS_SHOWN = 5;

  private final CatalogIndex index;
  private final SimilarConfig.FieldWeights weights;

  public SimilarProducts(CatalogIndex index, SimilarConfig.FieldWeights weights) {
    this.index = index;
    this.weights = weights;
  }

  /** The advertiser of the product; NotFound when the index has no such product. */
  public QueryResult<String> advertiserOf(String productId) {
    return index.read(reader -> CatalogIndex.product(new IndexSearcher(reader), productId)
        .<QueryResult<String>>map(p -> new QueryResult.Found<>(p.advertiserId()))
        .orElseGet(() -> new QueryResult.NotFound<>("no product " + productId + " in the catalog")));
  }

  /**
   * The {@code count} products most similar to {@code productId}, of the advertisers in {@code
   * advertisers} (every advertiser when empty), never of a hidden advertiser, never the product
   * itself. NotFound when the index has no such product.
   */
  public QueryResult<Answer> similar(String productId, Features features, SimilarityMethod method, Optional<Set<String>> advertisers,
      int count) {
    return index.read(reader -> {
      try {
        return answer(reader, productId, features, method, advertisers, count);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot search the catalog index: " + e.getMessage(), e);
      }
    });
  }

  private QueryResult<Answer> answer(DirectoryReader reader, String productId, Features features, SimilarityMethod method,
      Optional<Set<String>> advertisers, int count) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setSimilarity(method.similarity());
    Optional<IndexedProduct> found = CatalogIndex.product(searcher, productId);
    if (found.isEmpty()) {
      return new QueryResult.NotFound<>("no product " + productId + " in the catalog");
    }
    IndexedProduct seed = found.get();
    Map<String, String> texts = texts(seed, features);
    if (texts.isEmpty()) {
      return new QueryResult.Found<>(new Answer(List.of(), "product " + productId + " has no "
          + (features == Features.DESCRIPTION ? "description" : "text") + " to compare; add one with PUT /v1/products/" + productId));
    }
    BooleanQuery.Builder like = new BooleanQuery.Builder();
    Map<String, Map<String, Float>> queryTerms = new HashMap<>();
    for (Map.Entry<String, String> field : texts.entrySet()) {
      MoreLikeThis mlt = new MoreLikeThis(reader);
      mlt.setAnalyzer(index.analyzer());
      mlt.setFieldNames(new String[] {field.getKey()});
      mlt.setMinTermFreq(1);
      // A term of the seed alone matches nothing else.
      mlt.setMinDocFreq(2);
      mlt.setMaxQueryTerms(QUERY_TERMS);
      // Words in much of the catalog ("new", "set") say little of what a product is, and their
      // long lists of products were most of a query's time.
      mlt.setMaxDocFreq(Math.max(MIN_DOC_FREQ_CAP, reader.numDocs() * MAX_DOC_FREQ_PERCENT / 100));
      mlt.setBoost(true);
      Query terms = mlt.like(field.getKey(), new StringReader(field.getValue()));
      float weight = (float) weight(field.getKey());
      Map<String, Float> boosts = termBoosts(terms, weight);
      if (!boosts.isEmpty()) {
        queryTerms.put(field.getKey(), boosts);
        like.add(new BoostQuery(terms, weight), BooleanClause.Occur.SHOULD);
      }
    }
    if (queryTerms.isEmpty()) {
      return new QueryResult.Found<>(new Answer(List.of(), "no term of product " + productId + "'s "
          + String.join(", ", texts.keySet()) + " occurs in another product"));
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder()
        // Only products have these fields: no filter by kind is needed.
        .add(like.build(), BooleanClause.Occur.MUST)
        .add(new TermQuery(new Term(CatalogIndex.KEY, CatalogIndex.key(CatalogIndex.PRODUCT, productId))), BooleanClause.Occur.MUST_NOT);
    index.hiddenAdvertisers().ifPresent(hidden -> query.add(hidden, BooleanClause.Occur.MUST_NOT));
    advertisers.ifPresent(only -> query.add(only.size() == 1
        ? new TermQuery(new Term(CatalogIndex.ADVERTISER_ID, only.iterator().next()))
        : new TermInSetQuery(CatalogIndex.ADVERTISER_ID, only.stream().map(BytesRef::new).toList()), BooleanClause.Occur.FILTER));
    // By score alone, so that Lucene skips blocks of documents that cannot enter the top (block-max
    // WAND): a sort with a tie-breaker scores every match, and common terms match much of a large
    // catalog. Equal scores are then put in product id order; one at the cut is as Lucene found it.
    TopDocs top = searcher.search(query.build(), count);
    List<Item> items = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc hit : top.scoreDocs) {
      IndexedProduct product = CatalogIndex.product(searcher, hit.doc);
      items.add(new Item(product.productId(), product.advertiserId(), product.title(), hit.score,
          sharedTerms(queryTerms, texts(product, features))));
    }
    items.sort(Comparator.comparingDouble((Item item) -> -item.score()).thenComparing(Item::productId));
    return new QueryResult.Found<>(new Answer(List.copyOf(items), items.isEmpty()
        ? "no other product of the advertisers asked about shares a term with it" : null));
  }

  private double weight(String field) {
    return switch (field) {
      case CatalogIndex.TITLE -> weights.title();
      case CatalogIndex.BRAND -> weights.brand();
      case CatalogIndex.CATEGORY -> weights.category();
      default -> weights.description();
    };
  }

  /** The fields compared, with their text, leaving out empty ones and those weighing nothing. */
  private Map<String, String> texts(IndexedProduct product, Features features) {
    Map<String, String> texts = new LinkedHashMap<>();
    if (features == Features.ALL) {
      put(texts, CatalogIndex.TITLE, product.title());
      put(texts, CatalogIndex.BRAND, product.brand());
      put(texts, CatalogIndex.CATEGORY, product.category());
    }
    put(texts, CatalogIndex.DESCRIPTION, product.description());
    texts.keySet().removeIf(field -> features == Features.ALL && weight(field) == 0);
    return texts;
  }

  private static void put(Map<String, String> texts, String field, String text) {
    if (text != null && !text.isBlank()) {
      texts.put(field, text);
    }
  }

  /** The terms of a MoreLikeThis query (term queries, each boosted by its tf·idf), times the field's weight. */
  private static Map<String, Float> termBoosts(Query query, float weight) {
    Map<String, Float> boosts = new HashMap<>();
    if (query instanceof BooleanQuery bool) {
      for (BooleanClause clause : bool.clauses()) {
        Query q = clause.getQuery();
        float boost = 1;
        if (q instanceof BoostQuery boosted) {
          boost = boosted.getBoost();
          q = boosted.getQuery();
        }
        if (q instanceof TermQuery term) {
          boosts.put(term.getTerm().text(), boost * weight);
        }
      }
    }
    return boosts;
  }

  /** The query terms a candidate holds in the same field, by their weight in the query, each once. */
  private List<String> sharedTerms(Map<String, Map<String, Float>> queryTerms, Map<String, String> candidate) {
    Map<String, Float> shared = new HashMap<>();
    for (Map.Entry<String, String> field : candidate.entrySet()) {
      Map<String, Float> asked = queryTerms.get(field.getKey());
      if (asked == null) {
        continue;
      }
      for (String term : analyze(index.analyzer(), field.getKey(), field.getValue())) {
        Float weight = asked.get(term);
        if (weight != null) {
          shared.merge(term, weight, Float::sum);
        }
      }
    }
    return shared.entrySet().stream()
        .sorted(Map.Entry.<String, Float>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(TERMS_SHOWN).map(Map.Entry::getKey).toList();
  }

  /** The distinct terms the analyzer makes of {@code text}. */
  static Set<String> analyze(Analyzer analyzer, String field, String text) {
    Set<String> terms = new HashSet<>();
    try (TokenStream tokens = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        terms.add(term.toString());
      }
      tokens.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terms;
  }
}
