package io.beacon.loadgen.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded, labelled product catalog whose text says which products are alike, to measure how well
 * "similar products from their text" finds products of the same label. The same settings give the
 * same products.
 *
 * <p>Each product belongs to one topic, drawn uniformly; its label is the topic's name
 * ({@code topic-01}…). Every topic has its own vocabulary of {@value #WORDS_PER_TOPIC} invented
 * words, and all topics share one vocabulary of noise words: {@link #COMMON_WORDS} (common shop
 * words such as "new", "quality", "set") followed by {@value #GENERATED_NOISE_WORDS} invented ones,
 * picked by Zipf's law over that order, so a few noise words are in most products and many are
 * rare. Invented words are lower-case syllables, consonant and vowel, closed by a consonant after
 * a, o or u ({@code kobarun}, {@code temuk}); no such ending is one an English stemmer strips
 * (s, e, y, ed, ing, er, al, ic, ion, ent…), so a stemmer keeps every invented word whole and
 * apart. All invented words, brands included, differ from each other and from the common words.
 *
 * <ul>
 *   <li>Description: {@value #MIN_DESCRIPTION_WORDS} to {@value #MAX_DESCRIPTION_WORDS} words
 *       (uniform), each from the topic's vocabulary (uniformly) with probability {@code topicShare},
 *       else a noise word; words repeat, as in real text.
 *   <li>Title: {@value #MIN_TITLE_WORDS} to {@value #MAX_TITLE_WORDS} distinct capitalised words,
 *       each a topic word with probability {@code titleTopicShare}, else a noise word.
 *   <li>Category: topic {@code t} (counting from 0) has category {@code t % categories}, so with
 *       fewer categories than topics several topics share one: same category is a meaningful but
 *       imperfect sign of same label. A product has its topic's category with probability
 *       {@code categoryShare}, else one of the other categories, uniformly.
 *   <li>Brand: each advertiser has {@value #BRANDS_PER_ADVERTISER} invented brands, and a product's
 *       brand is one of its advertiser's, uniformly, whatever the topic: a weak signal at most.
 *   <li>Advertiser: uniform over {@code adv-1}…; product ids {@code c00001}….
 *   <li>Missing text: with probability {@code titleOnlyShare} a product has a title and nothing
 *       else (no description, category or brand); with probability {@code noDescriptionShare}
 *       more it has no description but a category and brand.
 * </ul>
 *
 * @param seed seeds every choice, the invented words included
 * @param products products
 * @param advertisers advertisers, each with its own brands
 * @param topics topics, the labels, at most {@value #MAX_TOPICS}
 * @param categories categories, 1 to {@code topics}; topics are spread over them evenly
 * @param topicShare probability that a description word is a topic word
 * @param titleTopicShare probability that a title word is a topic word
 * @param categoryShare probability that a product has its topic's category
 * @param noDescriptionShare share of products without a description (but with category and brand)
 * @param titleOnlyShare share of products with only a title
 */
public record SyntheticCatalog(long seed, int products, int advertisers, int topics, int categories, double topicShare,
    double titleTopicShare, double categoryShare, double noDescriptionShare, double titleOnlyShare) {

  static final int WORDS_PER_TOPIC = 40;
  static final int GENERATED_NOISE_WORDS = 150;
  /** Zipf exponent of noise word frequency. */
  static final double NOISE_SKEW = 1.0;
  static final int BRANDS_PER_ADVERTISER = 8;
  static final int MIN_DESCRIPTION_WORDS = 20;
  static final int MAX_DESCRIPTION_WORDS = 60;
  static final int MIN_TITLE_WORDS = 3;
  static final int MAX_TITLE_WORDS = 6;
  static final int MAX_TOPICS = 1_000;
  static final int MAX_ADVERTISERS = 1_000;

  /** The most frequent noise words, most frequent first; no two share an English stem. */
  static final List<String> COMMON_WORDS = List.of("new", "quality", "classic", "set", "pack", "style", "premium",
      "original", "value", "best", "great", "home", "daily", "easy", "perfect", "gift", "size", "color", "design",
      "durable", "soft", "light", "modern", "natural", "practical", "ideal", "small", "large", "mini", "extra", "super",
      "pro", "plus", "deluxe", "edition", "series", "model", "collection", "essential", "everyday", "comfort",
      "compact", "portable", "simple", "smart", "fresh", "bright", "strong", "genuine", "special", "limited",
      "favorite", "popular", "ready", "full", "double", "standard", "kit", "bundle", "item");

  /** Names of the first categories; further ones are {@code Category 13}…. */
  static final List<String> CATEGORY_NAMES = List.of("Kitchen", "Garden", "Outdoor", "Toys", "Beauty", "Electronics",
      "Fashion", "Sports", "Books", "Pets", "Office", "Auto");

  private static final String ONSETS = "bdfgklmnprstvz";
  private static final String VOWELS = "aeiou";
  private static final String LAST_ONSETS = "bdfgklmnprtvz";
  private static final String LAST_VOWELS = "aou";
  private static final String CODAS = "kpxmndg";

  public SyntheticCatalog {
    if (products < 1 || advertisers < 1 || advertisers > MAX_ADVERTISERS || topics < 1 || topics > MAX_TOPICS) {
      throw new IllegalArgumentException("need products >= 1, 1 <= advertisers <= " + MAX_ADVERTISERS + ", 1 <= topics <= "
          + MAX_TOPICS + "; were " + products + ", " + advertisers + ", " + topics);
    }
    if (categories < 1 || categories > topics) {
      throw new IllegalArgumentException("categories must be 1 to topics (" + topics + "), was " + categories);
    }
    for (double share : new double[] {topicShare, titleTopicShare, categoryShare, noDescriptionShare, titleOnlyShare}) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("shares must be 0 to 1, one was " + share);
      }
    }
    if (noDescriptionShare + titleOnlyShare > 1) {
      throw new IllegalArgumentException("no-description and title-only shares must add up to at most 1, were "
          + noDescriptionShare + " + " + titleOnlyShare);
    }
  }

  /**
   * The evaluation's default catalog: 5,000 products of 5 advertisers in 25 topics over 8
   * categories; 20% topic words in descriptions, 40% in titles; 60% of products in their topic's
   * category; 3% without description and 1% with a title only. With more topic words nearly every
   * product with a description finds only its own topic's, whatever the scoring (precision@10
   * above 0.99 at 30%), and the evaluation could not tell the methods apart.
   */
  public static SyntheticCatalog standard(long seed) {
    return new SyntheticCatalog(seed, 5_000, 5, 25, 8, 0.2, 0.4, 0.6, 0.03, 0.01);
  }

  /** A small catalog: 500 products of 2 advertisers in 10 topics over 4 categories, otherwise as {@link #standard}. */
  public static SyntheticCatalog small(long seed) {
    return new SyntheticCatalog(seed, 500, 2, 10, 4, 0.2, 0.4, 0.6, 0.03, 0.01);
  }

  /** The products, by id. */
  public List<CatalogProduct> generate() {
    SplittableRandom random = new SplittableRandom(seed);
    Vocabulary words = vocabulary(random.split());
    ZipfPicker noise = new ZipfPicker(words.noiseWords().size());
    String idFormat = "c%0" + Math.max(5, String.valueOf(products).length()) + "d";
    List<CatalogProduct> catalog = new ArrayList<>(products);
    for (int p = 0; p < products; p++) {
      int advertiser = random.nextInt(advertisers);
      int topic = random.nextInt(topics);
      List<String> topicWords = words.topicWords().get(topic);
      double shape = random.nextDouble();
      boolean titleOnly = shape < titleOnlyShare;
      boolean withDescription = shape >= titleOnlyShare + noDescriptionShare;
      String title = title(random, topicWords, words.noiseWords(), noise);
      String description = withDescription ? description(random, topicWords, words.noiseWords(), noise) : null;
      String category = titleOnly ? null : category(categoryOf(topic, random));
      List<String> brands = words.brands().get(advertiser);
      String brand = titleOnly ? null : brands.get(random.nextInt(brands.size()));
      catalog.add(new CatalogProduct(String.format(idFormat, p + 1), "adv-" + (advertiser + 1), title, description,
          category, brand, label(topic)));
    }
    return catalog;
  }

  /** The label of topic {@code topic}, counting from 0: {@code topic-01}…. */
  String label(int topic) {
    return String.format("topic-%0" + Math.max(2, String.valueOf(topics).length()) + "d", topic + 1);
  }

  /** The name of category {@code category}, counting from 0. */
  static String category(int category) {
    return category < CATEGORY_NAMES.size() ? CATEGORY_NAMES.get(category) : "Category " + (category + 1);
  }

  /** The category of topic {@code topic}, counting from 0. */
  String topicCategory(int topic) {
    return category(topic % categories);
  }

  private int categoryOf(int topic, SplittableRandom random) {
    int own = topic % categories;
    if (categories == 1 || random.nextDouble() < categoryShare) {
      return own;
    }
    int other = random.nextInt(categories - 1);
    return other >= own ? other + 1 : other;
  }

  private String title(SplittableRandom random, List<String> topicWords, List<String> noiseWords, ZipfPicker noise) {
    int count = MIN_TITLE_WORDS + random.nextInt(MAX_TITLE_WORDS - MIN_TITLE_WORDS + 1);
    List<String> title = new ArrayList<>(count);
    while (title.size() < count) {
      String word = capitalised(random.nextDouble() < titleTopicShare ? topicWords.get(random.nextInt(topicWords.size()))
          : noiseWords.get(noise.pick(random)));
      if (!title.contains(word)) {
        title.add(word);
      }
    }
    return String.join(" ", title);
  }

  private String description(SplittableRandom random, List<String> topicWords, List<String> noiseWords, ZipfPicker noise) {
    int count = MIN_DESCRIPTION_WORDS + random.nextInt(MAX_DESCRIPTION_WORDS - MIN_DESCRIPTION_WORDS + 1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String word = random.nextDouble() < topicShare ? topicWords.get(random.nextInt(topicWords.size()))
          : noiseWords.get(noise.pick(random));
      text.append(i == 0 ? capitalised(word) : " " + word);
    }
    return text.append('.').toString();
  }

  private static String capitalised(String word) {
    return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
  }

  /**
   * The words of the catalog.
   *
   * @param topicWords each topic's words, by topic
   * @param noiseWords the noise words, most frequent first
   * @param brands each advertiser's brands, by advertiser
   */
  record Vocabulary(List<List<String>> topicWords, List<String> noiseWords, List<List<String>> brands) {}

  /** The words {@link #generate} makes its products of. */
  Vocabulary vocabulary() {
    return vocabulary(new SplittableRandom(seed).split());
  }

  private Vocabulary vocabulary(SplittableRandom random) {
    Set<String> used = new HashSet<>(COMMON_WORDS);
    List<List<String>> topicWords = new ArrayList<>(topics);
    for (int t = 0; t < topics; t++) {
      topicWords.add(inventedWords(random, WORDS_PER_TOPIC, used));
    }
    List<String> noiseWords = new ArrayList<>(COMMON_WORDS);
    noiseWords.addAll(inventedWords(random, GENERATED_NOISE_WORDS, used));
    List<List<String>> brands = new ArrayList<>(advertisers);
    for (int a = 0; a < advertisers; a++) {
      brands.add(inventedWords(random, BRANDS_PER_ADVERTISER, used).stream().map(SyntheticCatalog::capitalised).toList());
    }
    return new Vocabulary(List.copyOf(topicWords), List.copyOf(noiseWords), List.copyOf(brands));
  }

  /** {@code count} invented words of two or three syllables, none in {@code used}, which gains them. */
  private static List<String> inventedWords(SplittableRandom random, int count, Set<String> used) {
    List<String> words = new ArrayList<>(count);
    while (words.size() < count) {
      StringBuilder word = new StringBuilder();
      int syllables = 2 + random.nextInt(2);
      for (int s = 1; s < syllables; s++) {
        word.append(letter(random, ONSETS)).append(letter(random, VOWELS));
      }
      word.append(letter(random, LAST_ONSETS)).append(letter(random, LAST_VOWELS)).append(letter(random, CODAS));
      if (used.add(word.toString())) {
        words.add(word.toString());
      }
    }
    return words;
  }

  private static char letter(SplittableRandom random, String letters) {
    return letters.charAt(random.nextInt(letters.length()));
  }

  /** Picks an index below {@code count} with weight by Zipf's law on its rank, index 0 the most likely. */
  private static final class ZipfPicker {
    private final double[] cumulative;

    ZipfPicker(int count) {
      cumulative = new double[count];
      double sum = 0;
      for (int i = 0; i < count; i++) {
        sum += 1 / Math.pow(i + 1, NOISE_SKEW);
        cumulative[i] = sum;
      }
    }

    int pick(SplittableRandom random) {
      double at = random.nextDouble() * cumulative[cumulative.length - 1];
      int index = Arrays.binarySearch(cumulative, at);
      return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
    }
  }
}
