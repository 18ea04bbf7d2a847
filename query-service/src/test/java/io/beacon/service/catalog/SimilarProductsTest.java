package io.beacon.service.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.Product;
import io.beacon.streams.query.QueryResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Similar products and catalog search on a real Lucene index in a temporary directory. */
class SimilarProductsTest {

  private static final SimilarConfig.FieldWeights WEIGHTS = SimilarConfig.defaults().weights();

  @TempDir
  Path dir;
  private CatalogIndex index;

  @AfterEach
  void close() {
    if (index != null) {
      index.close();
    }
  }

  private CatalogIndex index(TextLanguage language) {
    index = new CatalogIndex(dir.resolve("index"), language.analyzer());
    return index;
  }

  private static Product product(String id, String advertiser, String title, String description, String category, String brand) {
    return Product.newBuilder().setProductId(id).setAdvertiserId(advertiser).setTitle(title).setDescription(description)
        .setCategory(category).setBrand(brand).setUpdatedAt(Instant.EPOCH).build();
  }

  private static Advertiser advertiser(String id, AdvertiserStatus status) {
    return Advertiser.newBuilder().setAdvertiserId(id).setName("Shop " + id).setStatus(status).setUpdatedAt(Instant.EPOCH).build();
  }

  private void shoesAndTents() {
    index.put(product("shoe-1", "adv-1", "Trail running shoe", "Light trail running shoe with a grippy sole for muddy trails",
        "Shoes", "Acme"));
    index.put(product("shoe-2", "adv-1", "Road running shoe", "Cushioned running shoe for road races and long runs", "Shoes", "Zeta"));
    index.put(product("shoe-3", "adv-2", "Trail shoe", "Grippy sole trail shoe for muddy mountain trails", "Shoes", "Other"));
    index.put(product("tent-1", "adv-1", "Dome tent", "Two person dome tent, light and waterproof for mountain trips", "Camping",
        "Acme"));
    index.put(product("tent-2", "adv-1", "Tunnel tent", "Waterproof four person tunnel tent for family camping trips", "Camping",
        "Zeta"));
    index.refresh();
  }

  private static List<String> ids(QueryResult<SimilarProducts.Answer> result) {
    return assertInstanceOf(QueryResult.Found.class, result).value() instanceof SimilarProducts.Answer answer
        ? answer.items().stream().map(SimilarProducts.Item::productId).toList() : List.of();
  }

  @Test
  void shouldRankProductsSharingTellingTermsFirstAndNameTheTerms() {
    index(TextLanguage.ENGLISH);
    shoesAndTents();
    SimilarProducts similar = new SimilarProducts(index, WEIGHTS);
    for (SimilarityMethod method : SimilarityMethod.values()) {
      QueryResult<SimilarProducts.Answer> result = similar.similar("shoe-1", SimilarProducts.Features.DESCRIPTION, method,
          Optional.empty(), 10);
      assertEquals("shoe-3", ids(result).get(0), method + ": grippy sole, muddy trails");
      SimilarProducts.Item best = ((QueryResult.Found<SimilarProducts.Answer>) result).value().items().get(0);
      assertTrue(best.terms().containsAll(List.of("grippi", "muddi")), method + ": the shared terms, stemmed: " + best.terms());
      assertTrue(!ids(result).contains("shoe-1"), "never the product itself");
    }
  }

  @Test
  void shouldKeepToTheProductsAdvertiserOrToTheAdvertisersAllowed() {
    index(TextLanguage.ENGLISH);
    shoesAndTents();
    SimilarProducts similar = new SimilarProducts(index, WEIGHTS);
    List<String> own = ids(similar.similar("shoe-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.of(Set.of("adv-1")),
        10));
    assertTrue(!own.contains("shoe-3") && own.contains("shoe-2"), own.toString());
    List<String> catalog = ids(similar.similar("shoe-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 10));
    assertTrue(catalog.contains("shoe-3"), catalog.toString());
    assertEquals(2, ids(similar.similar("shoe-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 2)).size(),
        "count holds");
  }

  @Test
  void shouldCompareTitleBrandAndCategoryOnlyWithFeaturesAll() {
    index(TextLanguage.ENGLISH);
    index.put(product("a", "adv-1", "Acme kettle", null, "Kitchen", "Acme"));
    index.put(product("b", "adv-1", "Acme toaster", "Toasts bread evenly", "Kitchen", "Acme"));
    index.refresh();
    SimilarProducts similar = new SimilarProducts(index, WEIGHTS);
    assertEquals(List.of("b"), ids(similar.similar("a", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 10)));
    SimilarProducts.Answer none = ((QueryResult.Found<SimilarProducts.Answer>) similar.similar("a", SimilarProducts.Features.DESCRIPTION,
        SimilarityMethod.BM25, Optional.empty(), 10)).value();
    assertEquals(List.of(), none.items(), "a has no description");
    assertNotNull(none.reason());
    assertTrue(none.reason().contains("no description"), none.reason());
  }

  @Test
  void shouldForgetARemovedProductAndHideProductsOfAdvertisersThatAreNotActive() {
    index(TextLanguage.ENGLISH);
    shoesAndTents();
    SimilarProducts similar = new SimilarProducts(index, WEIGHTS);
    index.removeProduct("shoe-3");
    index.refresh();
    assertInstanceOf(QueryResult.NotFound.class, similar.similar("shoe-3", SimilarProducts.Features.ALL, SimilarityMethod.BM25,
        Optional.empty(), 10));
    assertTrue(!ids(similar.similar("shoe-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 10))
        .contains("shoe-3"));

    index.put(advertiser("adv-1", AdvertiserStatus.INACTIVE));
    index.refresh();
    assertEquals(List.of(), ids(similar.similar("tent-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 10)),
        "every other product is adv-1's");
    index.put(advertiser("adv-1", AdvertiserStatus.ACTIVE));
    index.refresh();
    assertEquals("tent-2", ids(similar.similar("tent-1", SimilarProducts.Features.ALL, SimilarityMethod.BM25, Optional.empty(), 10))
        .get(0));
  }

  @Test
  void shouldStemInTheLanguageSet() {
    index(TextLanguage.SPANISH);
    index.put(product("z1", "adv-1", "Zapatos de cuero", "Zapatos de cuero para correr por la montaña", "Calzado", "Marca"));
    index.put(product("z2", "adv-1", "Zapato deportivo", "Zapato ligero para correr", "Calzado", "Otra"));
    index.put(product("m1", "adv-1", "Mesa de madera", "Mesa de comedor de madera maciza", "Muebles", "Otra"));
    index.refresh();
    SimilarProducts similar = new SimilarProducts(index, WEIGHTS);
    List<String> found = ids(similar.similar("z1", SimilarProducts.Features.DESCRIPTION, SimilarityMethod.BM25, Optional.empty(), 10));
    assertEquals(List.of("z2"), found, "zapatos finds zapato, and 'de', 'para' are stop words");
    assertEquals(Set.of("z1", "z2"), Set.copyOf(new CatalogSearch(index).products("zapato", Optional.empty(), Optional.empty(), 10)),
        "search stems the same way");
  }

  @Test
  void shouldSearchEveryWordAcrossFieldsToleratingATypoAndRankByRelevance() {
    index(TextLanguage.ENGLISH);
    shoesAndTents();
    index.put(advertiser("adv-1", AdvertiserStatus.ACTIVE));
    index.put(advertiser("adv-2", AdvertiserStatus.PAUSED));
    index.refresh();
    CatalogSearch search = new CatalogSearch(index);
    assertEquals(List.of("shoe-3", "shoe-1"), search.products("trail shoe", Optional.empty(), Optional.empty(), 10),
        "both words; the shorter text with both in its title first");
    assertEquals(List.of("tent-1", "tent-2"), search.products("waterprof tent", Optional.empty(), Optional.empty(), 10),
        "one typo in a longer word");
    assertEquals(List.of("shoe-3"), search.products("shoe", Optional.of("adv-2"), Optional.empty(), 10));
    assertEquals(List.of("shoe-3"), search.products("shoe", Optional.empty(), Optional.of(Set.of("adv-2")), 10), "readable only");
    assertEquals(List.of("shoe-1"), search.products("shoe-1", Optional.empty(), Optional.empty(), 1), "an exact id first");
    assertEquals(List.of("shoe-1", "shoe-2", "shoe-3", "tent-1", "tent-2"),
        search.products("", Optional.empty(), Optional.empty(), 10), "everything by id");
    assertEquals(List.of("adv-2"), search.advertisers("adv-2", Optional.empty(), 10));
    assertEquals(List.of("adv-1", "adv-2"), search.advertisers("shop", Optional.empty(), 10));
    assertEquals(List.of("adv-1", "adv-2"), search.advertisers("sho", Optional.empty(), 10), "the start of the last word, as typed");
    assertEquals(List.of("tent-2"), search.products("camping tun", Optional.empty(), Optional.empty(), 10));
  }
}
