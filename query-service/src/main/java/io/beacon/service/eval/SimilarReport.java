package io.beacon.service.eval;

import io.beacon.service.catalog.SimilarConfig;
import io.beacon.service.eval.SimilarEvaluation.Facts;
import io.beacon.service.eval.SimilarEvaluation.Scored;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The similar-products evaluation's report: Markdown with the figures and how to run it. */
final class SimilarReport {

  private SimilarReport() {}

  /** Writes the report to {@code file}; {@code scored}: the two baselines, then Beacon's method and field modes. */
  static void write(Path file, Facts facts, List<Scored> scored, PrintStream out) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, markdown(facts, scored));
    out.println();
    out.print(table(scored));
    out.println();
    out.println("eval: " + verdict(scored).replace("**", "").replace("`", ""));
    out.println("eval: wrote " + file);
  }

  private static String markdown(Facts facts, List<Scored> scored) {
    SimilarConfig s = facts.settings();
    StringBuilder md = new StringBuilder();
    md.append("# Similar products: evaluation\n\n");
    md.append(String.format(Locale.ROOT, "Written by `%s` at %s. Every figure below comes from that run; the command writes this"
        + " file again.%n%n", facts.command(), Instant.now().truncatedTo(ChronoUnit.MINUTES)));
    md.append("## Data\n\n");
    md.append(String.format(Locale.ROOT, "- **Catalog**: %s; %,d products, %,d of them labelled with %,d labels; %,d without a"
        + " description.%n", facts.source(), facts.products(), facts.labelled(), facts.labels(), facts.withoutDescription()));
    md.append(String.format(Locale.ROOT, "- **Loaded** into a Beacon of the command's own (embedded broker) with `PUT"
        + " /v1/advertisers/{adv}` and `PUT /v1/products/{id}`, 32 requests at a time, and indexed, in %.1f s; the index takes"
        + " %.1f MiB on disk.%n", facts.loadSeconds(), facts.indexBytes() / 1048576.0));
    md.append(String.format(Locale.ROOT, "- **Settings**: language %s; field weights in `features=all`: title %s, brand %s,"
        + " category %s, description %s; default method %s.%n%n", s.language().name().toLowerCase(Locale.ROOT),
        number(s.weights().title()), number(s.weights().brand()), number(s.weights().category()), number(s.weights().description()),
        s.method().id()));
    md.append("## Results\n\n");
    md.append("Precision@10: of the ten answers for a labelled product, the share with its label, averaged over labelled products"
        + " (a missing answer counts as wrong). Every product is asked with `scope=catalog`, so answers come from the whole"
        + " catalog.\n\n");
    md.append(table(scored)).append('\n');
    md.append("- ").append(verdict(scored)).append("\n\n");
    md.append("""
        ## The methods

        Both query the same Lucene index with the product's most telling terms per field (MoreLikeThis: at most 12 terms
        per field, chosen by tf·idf in the product and each boosted by it; in a catalog of over 10,000 products, none in
        more than a tenth of it), each field's query weighted by its weight.

        - **bm25** scores candidates with BM25 (k1 1.2, b 0.75): a term's weight saturates with its frequency, and
          long texts are damped.
        - **tfidf** scores with Lucene's classic TF-IDF: √tf · idf², with 1/√length normalisation, the cosine of TF-IDF
          vectors that batch content recommenders compute (`TfidfVectorizer` and `linear_kernel`), up to the
          normalisation of the query.
        - **features=description** compares descriptions alone (the seed systems' `overview`); a product without one
          gets no answer, which counts as wrong. **features=all** adds title, brand and category (`multi`).

        ## Run it, or bring a catalog

        ```bash
        ./beacon eval similar                                        # the synthetic catalog (--seed N for another)
        ./beacon eval similar --catalog examples/catalog-sample.jsonl --report /tmp/similar-sample.md
        ./beacon eval generate-catalog /tmp/catalog.jsonl            # the synthetic catalog as a file
        ```

        A catalog is JSON Lines: one product per line, the body of `PUT /v1/products/{id}` (`advertiser_id`, `title`,
        and optionally `description`, `category`, `brand`, `price`, `url`, `image_url`) plus `id` and an optional
        `label`; precision is measured on the labelled products. The text language is Beacon's (`BEACON_TEXT_LANGUAGE`).
        """);
    return md.toString();
  }

  static String table(List<Scored> scored) {
    StringBuilder table = new StringBuilder("| model | precision@10 | with a description | p50 ms | p99 ms | how |\n"
        + "|---|---:|---:|---:|---:|---|\n");
    for (Scored model : scored) {
      List<Double> sorted = new ArrayList<>(model.queryMs());
      sorted.sort(null);
      table.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %s | %s | %s |%n", model.name(), model.precision(),
          model.precisionWithDescription(), sorted.isEmpty() ? "—" : String.format(Locale.ROOT, "%.2f", PersonalReport.percentile(sorted, 0.5)),
          sorted.isEmpty() ? "—" : String.format(Locale.ROOT, "%.2f", PersonalReport.percentile(sorted, 0.99)), model.how()));
    }
    return table.toString();
  }

  /** Which of Beacon's methods did best with features=all, and by how much over the baselines. */
  static String verdict(List<Scored> scored) {
    Scored best = scored.stream().filter(s -> s.name().endsWith("features=all")).max(Comparator.comparingDouble(Scored::precision))
        .orElseThrow();
    Scored sameCategory = scored.get(1);
    return String.format(Locale.ROOT, "Best with `features=all`: **%s**, precision@10 %.4f, %.1f× random (%.4f) and %.1f× same"
        + " category (%.4f).", best.name(), best.precision(), best.precision() / scored.get(0).precision(), scored.get(0).precision(),
        best.precision() / sameCategory.precision(), sameCategory.precision());
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
