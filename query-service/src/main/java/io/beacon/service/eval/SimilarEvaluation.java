package io.beacon.service.eval;

import io.beacon.loadgen.catalog.CatalogProduct;
import io.beacon.service.Directories;
import io.beacon.service.catalog.SimilarConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Measures similar products on a labelled catalog: loads it into a Beacon of its own through the
 * API, asks for every labelled product's similar products with each scoring method and field mode
 * (across the whole catalog, {@code scope=catalog}), and scores precision@10 of "same label"
 * against two baselines drawn on the same catalog: ten random products, and ten random products
 * of the same category.
 */
final class SimilarEvaluation {

  static final int K = 10;
  static final List<String> METHODS = List.of("bm25", "tfidf");
  static final List<String> FEATURES = List.of("all", "description");

  /** Precision@10 over every labelled product and over those with a description, and query times. */
  record Scored(String name, String how, double precision, double precisionWithDescription, List<Double> queryMs) {}

  /** What the report states besides the scores. */
  record Facts(String command, String source, int products, int labelled, int labels, int withoutDescription, double loadSeconds,
      long indexBytes, SimilarConfig settings) {}

  private final List<CatalogProduct> catalog;
  private final String source;
  private final PrintStream out;

  SimilarEvaluation(List<CatalogProduct> catalog, String source, PrintStream out) {
    this.catalog = catalog;
    this.source = source;
    this.out = out;
  }

  void run(Path report, String command) throws Exception {
    List<CatalogProduct> labelled = catalog.stream().filter(p -> p.label() != null).toList();
    if (labelled.isEmpty()) {
      throw new IllegalArgumentException("no product of the catalog has a label: precision needs them (\"label\" on each line)");
    }
    Map<String, String> labels = new HashMap<>();
    labelled.forEach(p -> labels.put(p.productId(), p.label()));
    out.printf("eval: %,d products, %,d labelled with %,d labels%n", catalog.size(), labelled.size(),
        labels.values().stream().distinct().count());
    Path dir = Files.createTempDirectory("beacon-eval-similar");
    try (ReplayedBeacon beacon = ReplayedBeacon.start(dir, Map.of())) {
      double loadSeconds = beacon.loadCatalog(catalog, out);
      out.printf("eval: the catalog is written and indexed in %.1f s%n", loadSeconds);
      List<Scored> scored = new ArrayList<>();
      scored.add(baseline("random", "ten other products, drawn at random", labelled, labels, randomOthers(false)));
      scored.add(baseline("same category", "ten other products of the same category at random (of any, without one)", labelled, labels,
          randomOthers(true)));
      for (String method : METHODS) {
        for (String features : FEATURES) {
          List<Double> queryMs = new ArrayList<>(labelled.size());
          Map<String, List<String>> answers = new HashMap<>();
          for (CatalogProduct product : labelled) {
            long sent = System.nanoTime();
            answers.put(product.productId(), beacon.similar(product.productId(), features, method, "catalog", K));
            queryMs.add((System.nanoTime() - sent) / 1e6);
          }
          out.printf("eval: asked %s, features=%s for %,d products%n", method, features, labelled.size());
          scored.add(score("Beacon " + method + ", features=" + features, "GET /v1/products/{id}/similar?method=" + method
              + "&features=" + features + "&scope=catalog&count=10", labelled, labels, answers::get, queryMs));
        }
      }
      Facts facts = new Facts(command, source, catalog.size(), labelled.size(), (int) labels.values().stream().distinct().count(),
          (int) catalog.stream().filter(p -> p.description() == null).count(), loadSeconds, beacon.catalogIndexBytes(),
          beacon.similarConfig());
      SimilarReport.write(report, facts, scored, out);
    } finally {
      Directories.deleteRecursively(dir);
    }
  }

  /** Ten other products at random, of the same category if {@code sameCategory} and the product has one. */
  private Function<CatalogProduct, List<String>> randomOthers(boolean sameCategory) {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, List<CatalogProduct>> byCategory = new HashMap<>();
    catalog.forEach(p -> byCategory.computeIfAbsent(p.category() == null ? "" : p.category(), c -> new ArrayList<>()).add(p));
    return product -> {
      List<CatalogProduct> pool = !sameCategory || product.category() == null ? catalog : byCategory.get(product.category());
      List<String> drawn = new ArrayList<>(K);
      List<CatalogProduct> left = new ArrayList<>(pool);
      left.removeIf(p -> p.productId().equals(product.productId()));
      while (drawn.size() < K && !left.isEmpty()) {
        drawn.add(left.remove(random.nextInt(left.size())).productId());
      }
      return drawn;
    };
  }

  private Scored baseline(String name, String how, List<CatalogProduct> labelled, Map<String, String> labels,
      Function<CatalogProduct, List<String>> draw) {
    Map<String, List<String>> answers = new HashMap<>();
    labelled.forEach(p -> answers.put(p.productId(), draw.apply(p)));
    return score(name, how, labelled, labels, answers::get, List.of());
  }

  private static Scored score(String name, String how, List<CatalogProduct> labelled, Map<String, String> labels,
      Function<String, List<String>> answers, List<Double> queryMs) {
    double sum = 0;
    double sumWithDescription = 0;
    int withDescription = 0;
    for (CatalogProduct product : labelled) {
      double precision = precision(product.label(), answers.apply(product.productId()), labels);
      sum += precision;
      if (product.description() != null) {
        sumWithDescription += precision;
        withDescription++;
      }
    }
    return new Scored(name, how, sum / labelled.size(), withDescription == 0 ? Double.NaN : sumWithDescription / withDescription,
        queryMs);
  }

  /** The share of the first ten answers with the product's label; missing answers count as wrong. */
  static double precision(String label, List<String> answer, Map<String, String> labels) {
    long same = answer.stream().limit(K).filter(id -> label.equals(labels.get(id))).count();
    return same / (double) K;
  }
}
