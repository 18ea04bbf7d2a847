package io.beacon.loadgen.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertIterableEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyntheticCatalogTest {

  private static final SyntheticCatalog STANDARD = SyntheticCatalog.standard(7);
  private static final List<CatalogProduct> PRODUCTS = STANDARD.generate();
  private static final SyntheticCatalog.Vocabulary WORDS = STANDARD.vocabulary();

  @Test
  void shouldGiveTheSameCatalogForTheSameSeedAndAnotherForAnother() {
    assertEquals(SyntheticCatalog.small(5).generate(), SyntheticCatalog.small(5).generate());
    assertNotEquals(SyntheticCatalog.small(5).generate(), SyntheticCatalog.small(6).generate());
    assertNotEquals(SyntheticCatalog.small(5).vocabulary().topicWords(), SyntheticCatalog.small(6).vocabulary().topicWords());
  }

  @Test
  void shouldMakeTheStandardAndSmallCatalogsOfTheirSizes() {
    assertEquals(5_000, PRODUCTS.size());
    assertEquals("c00001", PRODUCTS.get(0).productId());
    assertEquals("c05000", PRODUCTS.get(4_999).productId());
    assertEquals(Set.of("adv-1", "adv-2", "adv-3", "adv-4", "adv-5"), values(PRODUCTS, CatalogProduct::advertiserId));
    Map<String, Long> perLabel = PRODUCTS.stream().collect(Collectors.groupingBy(CatalogProduct::label, Collectors.counting()));
    assertEquals(IntStream.rangeClosed(1, 25).mapToObj(t -> String.format("topic-%02d", t)).collect(Collectors.toSet()),
        perLabel.keySet());
    perLabel.forEach((label, count) -> assertTrue(count > 140 && count < 260, label + " has " + count + " products"));

    List<CatalogProduct> small = SyntheticCatalog.small(7).generate();
    assertEquals(500, small.size());
    assertEquals(10, values(small, CatalogProduct::label).size());
    assertEquals(Set.of("adv-1", "adv-2"), values(small, CatalogProduct::advertiserId));
    assertEquals(4, small.stream().map(CatalogProduct::category).filter(c -> c != null).distinct().count());
  }

  @Test
  void shouldMixTopicAndNoiseWordsInDescriptionsAndTitlesAsConfigured() {
    Set<String> noise = new HashSet<>(WORDS.noiseWords());
    long topicWords = 0;
    long all = 0;
    long titleTopicWords = 0;
    long titleWords = 0;
    for (CatalogProduct product : PRODUCTS) {
      Set<String> own = new HashSet<>(WORDS.topicWords().get(topic(product)));
      List<String> title = words(product.title());
      assertTrue(title.size() >= 3 && title.size() <= 6 && new HashSet<>(title).size() == title.size(), product.title());
      titleWords += title.size();
      titleTopicWords += title.stream().filter(own::contains).count();
      if (product.description() == null) {
        continue;
      }
      List<String> description = words(product.description());
      assertTrue(description.size() >= 20 && description.size() <= 60, product.description());
      for (String word : description) {
        assertTrue(own.contains(word) || noise.contains(word), "'" + word + "' is neither of " + product.label() + " nor noise");
        topicWords += own.contains(word) ? 1 : 0;
      }
      all += description.size();
    }
    assertEquals(STANDARD.topicShare(), topicWords / (double) all, 0.01);
    double titleShare = titleTopicWords / (double) titleWords;
    // Title words are distinct, which shifts the share a little from the probability per word.
    assertEquals(STANDARD.titleTopicShare(), titleShare, 0.1, "topic words' share of titles");
  }

  /** Noise follows Zipf's law: the commonest word is in nearly every description, a middling invented one in few. */
  @Test
  void shouldSkewNoiseWordsTowardsTheCommonOnes() {
    List<Set<String>> descriptions = PRODUCTS.stream().filter(p -> p.description() != null)
        .map(p -> (Set<String>) new HashSet<>(words(p.description()))).toList();
    String commonest = WORDS.noiseWords().get(0);
    String middling = WORDS.noiseWords().get(SyntheticCatalog.COMMON_WORDS.size() + SyntheticCatalog.GENERATED_NOISE_WORDS / 2);
    double commonShare = descriptions.stream().filter(words -> words.contains(commonest)).count() / (double) descriptions.size();
    double middlingShare = descriptions.stream().filter(words -> words.contains(middling)).count() / (double) descriptions.size();
    assertTrue(commonShare > 0.8, commonest + " is in " + commonShare + " of descriptions");
    assertTrue(middlingShare > 0 && middlingShare < 0.05, middling + " is in " + middlingShare + " of descriptions");
  }

  @Test
  void shouldPutAboutTheConfiguredShareOfProductsInTheirTopicsCategory() {
    assertEquals(8, IntStream.range(0, 25).mapToObj(STANDARD::topicCategory).distinct().count(), "25 topics share 8 categories");
    List<CatalogProduct> categorised = PRODUCTS.stream().filter(p -> p.category() != null).toList();
    long own = categorised.stream().filter(p -> p.category().equals(STANDARD.topicCategory(topic(p)))).count();
    assertEquals(STANDARD.categoryShare(), own / (double) categorised.size(), 0.02);
    // The others spread over all other categories.
    for (int t = 0; t < 25; t++) {
      int topic = t;
      Set<String> elsewhere = categorised.stream().filter(p -> topic(p) == topic).map(CatalogProduct::category)
          .filter(c -> !c.equals(STANDARD.topicCategory(topic))).collect(Collectors.toSet());
      assertEquals(7, elsewhere.size(), "topic " + (t + 1) + "'s other categories: " + elsewhere);
    }
  }

  @Test
  void shouldLeaveSomeProductsWithoutDescriptionAndSomeWithATitleOnly() {
    long titleOnly = PRODUCTS.stream().filter(p -> p.description() == null && p.category() == null && p.brand() == null).count();
    long noDescription = PRODUCTS.stream().filter(p -> p.description() == null && p.category() != null && p.brand() != null).count();
    assertEquals(PRODUCTS.stream().filter(p -> p.description() == null).count(), titleOnly + noDescription);
    assertTrue(titleOnly >= 25 && titleOnly <= 80, titleOnly + " products with a title only");
    assertTrue(noDescription >= 110 && noDescription <= 200, noDescription + " products without description");
    assertTrue(PRODUCTS.stream().allMatch(p -> p.category() != null || p.brand() == null), "a category whenever a brand");
    PRODUCTS.forEach(p -> assertNotNull(p.label()));
  }

  /** Brands belong to an advertiser, not to a topic: every brand turns up in most topics. */
  @Test
  void shouldTakeBrandsFromTheAdvertiserWhateverTheTopic() {
    Map<String, Set<String>> advertisersOfBrand = new HashMap<>();
    Map<String, Set<String>> labelsOfBrand = new HashMap<>();
    for (CatalogProduct product : PRODUCTS) {
      if (product.brand() != null) {
        advertisersOfBrand.computeIfAbsent(product.brand(), b -> new HashSet<>()).add(product.advertiserId());
        labelsOfBrand.computeIfAbsent(product.brand(), b -> new HashSet<>()).add(product.label());
      }
    }
    assertEquals(5 * SyntheticCatalog.BRANDS_PER_ADVERTISER, advertisersOfBrand.size());
    advertisersOfBrand.forEach((brand, advertisers) -> assertEquals(1, advertisers.size(), brand + " of " + advertisers));
    labelsOfBrand.forEach((brand, labels) -> assertTrue(labels.size() >= 20, brand + " in only " + labels.size() + " topics"));
  }

  /** Invented words are all different and end in no suffix an English stemmer strips, so stems keep them apart. */
  @Test
  void shouldInventDistinctWordsThatStemmersLeaveWhole() {
    List<String> invented = new ArrayList<>();
    WORDS.topicWords().forEach(invented::addAll);
    invented.addAll(WORDS.noiseWords().subList(SyntheticCatalog.COMMON_WORDS.size(), WORDS.noiseWords().size()));
    WORDS.brands().forEach(brands -> brands.forEach(brand -> invented.add(brand.toLowerCase(Locale.ROOT))));
    assertEquals(25 * 40 + SyntheticCatalog.GENERATED_NOISE_WORDS + 5 * SyntheticCatalog.BRANDS_PER_ADVERTISER, invented.size());
    Set<String> distinct = new HashSet<>(invented);
    distinct.addAll(SyntheticCatalog.COMMON_WORDS);
    assertEquals(invented.size() + SyntheticCatalog.COMMON_WORDS.size(), distinct.size(), "no word twice");
    List<String> suffixes = Arrays.asList("s", "e", "y", "i", "ed", "ing", "er", "or", "al", "ic", "ion", "ent", "ant", "ism",
        "ist", "ful", "ly", "ou", "ize", "ate", "ive", "ous", "ment", "ness", "able", "ible", "ance", "ence");
    for (String word : invented) {
      assertTrue(word.matches("[a-z]{5,}"), word);
      suffixes.forEach(suffix -> assertTrue(!word.endsWith(suffix), word + " ends in " + suffix));
    }
  }

  @Test
  void shouldRejectImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> new SyntheticCatalog(1, 0, 1, 1, 1, 0.5, 0.5, 0.5, 0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SyntheticCatalog(1, 10, 1, 4, 5, 0.5, 0.5, 0.5, 0, 0));
    assertTrue(e.getMessage().contains("categories must be 1 to topics (4), was 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SyntheticCatalog(1, 10, 1, 4, 2, 1.5, 0.5, 0.5, 0, 0));
    assertTrue(e.getMessage().contains("shares must be 0 to 1, one was 1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SyntheticCatalog(1, 10, 1, 4, 2, 0.5, 0.5, 0.5, 0.6, 0.6));
    assertTrue(e.getMessage().contains("add up to at most 1"), e.getMessage());
  }

  /** The sample in examples/ is this generator's small catalog of seed 7. */
  @Test
  void shouldHaveWrittenTheShippedSample() throws Exception {
    assertIterableEquals(SyntheticCatalog.small(7).generate(), CatalogJsonl.read(Path.of("..", "examples", "catalog-sample.jsonl")));
  }

  private static int topic(CatalogProduct product) {
    return Integer.parseInt(product.label().substring("topic-".length())) - 1;
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")).filter(w -> !w.isEmpty()).toList();
  }

  private static Set<String> values(List<CatalogProduct> products, Function<CatalogProduct, String> field) {
    return products.stream().map(field).collect(Collectors.toSet());
  }
}
