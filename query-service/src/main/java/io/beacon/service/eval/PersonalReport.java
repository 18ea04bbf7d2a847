package io.beacon.service.eval;

import io.beacon.service.eval.PersonalEvaluation.Measured;
import io.beacon.streams.PersonalConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The evaluation's report: Markdown with the figures, the targets and how to run it, and a chart beside it. */
final class PersonalReport {

  /** What the report states besides the models' metrics. */
  record Facts(String command, String source, int interactions, int catalog, HoldoutSplit split, int holdout, PersonalConfig settings,
      int largestHistory, int mostNeighbours, Duration longestUserSpan, double agreement, Map<String, Double> sourceShares,
      double loadSeconds, List<Double> queryMs) {

    /** Whether Beacon's bounds drop anything of this data set. */
    boolean boundsBind() {
      return largestHistory > settings.historySize() || mostNeighbours > settings.maxNeighbours()
          || longestUserSpan.compareTo(settings.historyTtl()) > 0;
    }
  }

  private PersonalReport() {}

  /**
   * Writes the report to {@code file} and its chart beside it. {@code measured}: popularity, the
   * exact model and Beacon, in that order, then Beacon with tight bounds when it ran.
   */
  static void write(Path file, Facts facts, List<Measured> measured, PrintStream out) throws IOException {
    Path chart = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.md$", "") + ".png");
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    ImageIO.write(EvalChart.draw(String.format(Locale.ROOT, "Personal recommendations, %,d test users", facts.split().test().size()),
        measured), "png",
        chart.toFile());
    Files.writeString(file, markdown(facts, measured, chart.getFileName().toString()));
    out.println();
    out.print(table(measured));
    out.println();
    targets(facts, measured).forEach(line -> out.println("eval: " + line.replace("|", " ").replace("**", "").replaceAll(" +", " ").strip()));
    out.println("eval: wrote " + file + " and " + chart);
  }

  private static String markdown(Facts facts, List<Measured> measured, String chart) {
    PersonalConfig s = facts.settings();
    HoldoutSplit split = facts.split();
    double testProducts = split.test().values().stream().mapToInt(java.util.Set::size).average().orElse(0);
    List<Double> latencies = new ArrayList<>(facts.queryMs());
    latencies.sort(null);
    StringBuilder md = new StringBuilder();
    md.append("# Personal recommendations: evaluation\n\n");
    md.append(String.format(Locale.ROOT, "Written by `%s` at %s. Every figure below comes from that run; the command"
        + " writes this file again.%n%n", facts.command(), Instant.now().truncatedTo(ChronoUnit.MINUTES)));
    md.append("## Data and split\n\n");
    md.append(String.format(Locale.ROOT, "- **Data**: %s; %,d interactions, %,d products.%n", facts.source(), facts.interactions(),
        facts.catalog()));
    md.append(String.format(Locale.ROOT, "- **Split**: each user's last %d interactions by time are held out (%,d in all). A user's"
        + " test products are the held-out products they had not touched before, since Beacon leaves out what a user has seen:"
        + " %,d test users, %.1f test products each on average.%n", facts.holdout(), split.heldOut(), split.test().size(), testProducts));
    md.append(String.format(Locale.ROOT, "- **Training**: %,d interactions, sent to a Beacon of the command's own through"
        + " `beacon backfill` (`POST /v1/backfill`) on an embedded broker, their times moved so the newest is a minute before the"
        + " run%s.%n", split.training().size(), split.beyondReach() == 0 ? ""
        : String.format(Locale.ROOT, "; %,d older than %d days before the newest were left out of every model, as Beacon's backfill"
            + " reaches 35 days", split.beyondReach(), PersonalEvaluation.REACH.toDays())));
    md.append(String.format(Locale.ROOT, "- **Settings** (Beacon's `beacon.personal.*`, used by the exact model too): co-visit window"
        + " %s, half-life %s, click weight %s; bounds: history-size %d, max-neighbours %d, history-ttl %s.%n", human(s.coVisitWindow()),
        human(s.halfLife()), number(s.clickWeight()), s.historySize(), s.maxNeighbours(), human(s.historyTtl())));
    md.append(String.format(Locale.ROOT, "- **Do the bounds bind?** The largest user history has %d products (history-size %d), the"
        + " most co-visited product %d neighbours (max-neighbours %d), the longest a user's training interactions span is %s"
        + " (history-ttl %s): %s.%n%n", facts.largestHistory(), s.historySize(), facts.mostNeighbours(), s.maxNeighbours(),
        human(facts.longestUserSpan()), human(s.historyTtl()), facts.boundsBind() ? "**they bind**, Beacon keeps less than the exact"
        + " model" : "they do not, Beacon keeps everything the exact model uses"));
    md.append("## Results\n\n");
    md.append(table(measured)).append('\n');
    md.append("![Metrics of each model](").append(chart).append(")\n\n");
    md.append(String.format(Locale.ROOT, "- Beacon's answer is the exact model's, product for product, for %.1f%% of test users.%n",
        facts.agreement() * 100));
    StringBuilder shares = new StringBuilder();
    facts.sourceShares().forEach((source, share) -> shares.append(shares.length() == 0 ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.1f%%", source, share * 100)));
    md.append("- Beacon's recommended slots by `source`: ").append(shares).append(".\n");
    md.append(String.format(Locale.ROOT, "- Beacon started, counted and learned from the %,d training events in %.1f s; the %,d"
        + " recommendation requests, one at a time, took %.2f ms median, %.2f ms p99 (with HTTP and JSON; the latency benchmark is"
        + " `./beacon bench`, BENCHMARKS.md).%n%n", split.training().size(), facts.loadSeconds(), latencies.size(),
        percentile(latencies, 0.5), percentile(latencies, 0.99)));
    md.append("## Targets\n\n| target | figure | met |\n|---|---|---|\n");
    targets(facts, measured).forEach(line -> md.append(line).append('\n'));
    md.append('\n');
    md.append("""
        ## The models

        - **Beacon** learns from each counted view or click with a user id, in the counting task, exactly once: the
          user's history (per product the last time and a decayed affinity; a click weighs the click weight) and, per
          product, decayed counts of interactions and of co-visits with the products the user touched within the
          co-visit window. A candidate scores `Σ a(u,q) · c(q,j) / (c(q) + c(j))` over the history (the Jaccard index
          of interactions, on decayed counts; README); slots it cannot fill go to the advertiser's most viewed products
          of the last 24 hours (`source: popular`).
        - **Exact item-to-item** is the same definition computed offline in one pass over all training interactions,
          with nothing bounded: every product of a user's history, every co-visited pair. Its empty slots are filled as
          Beacon fills them, so the two are compared answer for answer.
        - **Popularity** recommends the products with the most training interactions the user has not touched.

        Metrics are averaged over test users: precision@10 is hits / 10, recall@10 hits / the user's test products,
        NDCG@10 uses binary relevance with a log2 discount, hit rate@10 is the share of users with a hit, coverage the
        share of the catalog recommended to anyone.

        ## Run it, or bring a data set

        ```bash
        ./beacon eval personal                                  # the synthetic set (--seed N for another)
        ./beacon eval personal --interactions examples/interactions-sample.csv --report /tmp/sample.md
        ./beacon eval generate /tmp/synthetic.csv               # the synthetic set as a CSV
        ```

        Any CSV with the header `user_id,product_id,event_time[,type]` runs the same way (`event_time` an ISO-8601
        instant or epoch seconds or milliseconds; `type` `view` or `click`). Beacon's backfill reaches 35 days back,
        so training interactions older than 34 days before the newest are left out of every model and counted above.
        """);
    return md.toString();
  }

  static String table(List<Measured> measured) {
    StringBuilder table = new StringBuilder("| model |");
    RankingMetrics.Result.NAMES.forEach(name -> table.append(' ').append(name).append(" |"));
    table.append(" how |\n|---|").append("---:|".repeat(RankingMetrics.Result.NAMES.size())).append("---|\n");
    for (Measured model : measured) {
      table.append("| ").append(model.model()).append(" |");
      model.metrics().values().forEach(value -> table.append(String.format(Locale.ROOT, " %.4f |", value)));
      table.append(' ').append(model.how()).append(" |\n");
    }
    return table.toString();
  }

  /** The targets, as table rows: recall over popularity, Beacon against the exact model, and what tight bounds cost. */
  private static List<String> targets(Facts facts, List<Measured> measured) {
    RankingMetrics.Result popularity = measured.get(0).metrics();
    RankingMetrics.Result exact = measured.get(1).metrics();
    RankingMetrics.Result beacon = measured.get(2).metrics();
    List<String> rows = new ArrayList<>();
    double ratio = beacon.recall() / popularity.recall();
    rows.add(String.format(Locale.ROOT, "| Beacon's recall@10 ≥ %.0f× popularity's | %.2f× (%.4f / %.4f) | %s |",
        PersonalEvaluation.RECALL_OVER_POPULARITY, ratio, beacon.recall(), popularity.recall(),
        ratio >= PersonalEvaluation.RECALL_OVER_POPULARITY ? "yes" : "**no**"));
    int worst = 0;
    for (int i = 0; i < exact.values().size(); i++) {
      if (difference(beacon, exact, i) > difference(beacon, exact, worst)) {
        worst = i;
      }
    }
    double largest = difference(beacon, exact, worst);
    rows.add(String.format(Locale.ROOT, "| Beacon within %.0f%% of the exact model on every metric, when no bound binds | largest"
        + " difference %.2f%% (%s) | %s |", PersonalEvaluation.EXACT_TOLERANCE * 100, largest * 100, RankingMetrics.Result.NAMES.get(worst),
        facts.boundsBind() ? "not applicable: the bounds bind" : largest <= PersonalEvaluation.EXACT_TOLERANCE ? "yes" : "**no**"));
    if (measured.size() > 3) {
      RankingMetrics.Result bounded = measured.get(3).metrics();
      StringBuilder cost = new StringBuilder();
      for (int i = 0; i < bounded.values().size(); i++) {
        cost.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %+.1f%%", RankingMetrics.Result.NAMES.get(i),
            (bounded.values().get(i) / beacon.values().get(i) - 1) * 100));
      }
      rows.add("| what tight bounds cost (" + measured.get(3).model().replace("Beacon, ", "") + ", against Beacon as set) | " + cost
          + " | — |");
    }
    return rows;
  }

  /** Relative difference of metric {@code i} of {@code a} from {@code b}'s; 0 when both are 0. */
  private static double difference(RankingMetrics.Result a, RankingMetrics.Result b, int i) {
    double x = a.values().get(i);
    double y = b.values().get(i);
    return x == y ? 0 : Math.abs(x - y) / Math.max(Math.abs(y), 1e-12);
  }

  static double percentile(List<Double> sorted, double q) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static String human(Duration duration) {
    if (duration.toHours() % 24 == 0 && duration.toHours() > 0) {
      return duration.toDays() + " d";
    }
    if (duration.toMinutes() % 60 == 0 && duration.toMinutes() > 0) {
      return duration.toHours() + " h";
    }
    return String.format(Locale.ROOT, "%.1f h", duration.toMillis() / 3_600_000.0);
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
