package io.beacon.service.eval;

import io.beacon.loadgen.interactions.ExactItemToItem;
import io.beacon.loadgen.interactions.Interaction;
import io.beacon.loadgen.interactions.SyntheticInteractions;
import io.beacon.service.Directories;
import io.beacon.streams.PersonalConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * One evaluation of personal recommendations: the split, Beacon fed the training interactions and
 * asked for every test user, the baselines on the same split, and the report.
 */
final class PersonalEvaluation {

  /**
   * Training interactions older than this before the newest are left out of every model: Beacon's
   * backfill counts events of the day buckets it keeps (35 days), and a day's margin keeps the
   * oldest clear of the edge.
   */
  static final Duration REACH = Duration.ofDays(34);
  /** The relative difference on any metric the streamed model may have from the exact one when no bound binds. */
  static final double EXACT_TOLERANCE = 0.02;
  /** Beacon's recall@10 over popularity's that the synthetic set must reach. */
  static final double RECALL_OVER_POPULARITY = 2.0;

  /** The tighter bounds of the second Beacon run. */
  record Bounds(int historySize, int maxNeighbours) {

    static Bounds parse(String value, CommandLine command) {
      if (value.equals("none")) {
        return null;
      }
      String[] parts = value.split(",");
      try {
        if (parts.length == 2) {
          Bounds bounds = new Bounds(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
          if (bounds.historySize >= 1 && bounds.maxNeighbours >= 1) {
            return bounds;
          }
        }
      } catch (NumberFormatException e) {
        // told below
      }
      throw new CommandLine.ParameterException(command, "--bounded must be SIZE,NEIGHBOURS (two positive numbers, e.g. 10,20)"
          + " or none, was '" + value + "'");
    }
  }

  /** One model's metrics, and how it answered. */
  record Measured(String model, String how, RankingMetrics.Result metrics) {}

  /** What one Beacon run gave: its settings, each test user's answer, how long loading took, and query latencies. */
  record BeaconRun(PersonalConfig settings, Map<String, List<ReplayedBeacon.Item>> answers, double loadSeconds, List<Double> queryMs) {}

  private final List<Interaction> rows;
  private final String source;
  private final int holdout;
  private final Bounds bounds;
  private final PrintStream out;
  private final PrintStream err;

  /** {@code out} takes the progress and the results, {@code err} the backfill's progress and what it refused. */
  PersonalEvaluation(List<Interaction> rows, String source, int holdout, Bounds bounds, PrintStream out, PrintStream err) {
    this.rows = rows;
    this.source = source;
    this.holdout = holdout;
    this.bounds = bounds;
    this.out = out;
    this.err = err;
  }

  static String describe(SyntheticInteractions set) {
    String perUser = set.minPerUser() == set.maxPerUser() ? String.valueOf(set.minPerUser())
        : set.minPerUser() + " to " + set.maxPerUser();
    return String.format(Locale.ROOT, "synthetic, seed %d: %,d users, %,d products in %d taste groups, %s interactions a user"
        + " in sessions over %d days, %.0f%% noise, %.0f%% clicks", set.seed(), set.users(), set.products(), set.groups(), perUser,
        set.span().toDays(), set.noise() * 100, set.clickShare() * 100);
  }

  void run(Path report, String command) throws Exception {
    HoldoutSplit split = HoldoutSplit.of(new ArrayList<>(rows), holdout, REACH);
    if (split.test().isEmpty()) {
      throw new IllegalArgumentException("no user has more than " + holdout + " interactions with a product among the last "
          + holdout + " they had not touched before: nothing to test (try a smaller --holdout)");
    }
    int catalog = (int) rows.stream().map(Interaction::productId).distinct().count();
    out.printf("eval: %,d interactions of %,d users with %,d products; %,d train, %,d held out, %,d test users%s%n", rows.size(),
        rows.stream().map(Interaction::userId).distinct().count(), catalog, split.training().size(), split.heldOut(), split.test().size(),
        split.beyondReach() > 0 ? String.format(", %,d older than %d days left out", split.beyondReach(), REACH.toDays()) : "");
    long newest = split.training().get(split.training().size() - 1).time();
    long shift = Instant.now().minusSeconds(60).toEpochMilli() - newest;
    Path dir = Files.createTempDirectory("beacon-eval");
    try {
      BeaconRun shipped = beacon("Beacon", Map.of(), split, shift, dir.resolve("shipped"));
      PersonalConfig settings = shipped.settings();
      ExactItemToItem exact = new ExactItemToItem(split.training(),
          new ExactItemToItem.Settings(settings.coVisitWindow().toMillis(), settings.halfLife().toMillis(), settings.clickWeight()));
      OfflineModels offline = new OfflineModels(split.training(), exact);
      Map<String, List<String>> exactAnswers = new LinkedHashMap<>();
      split.test().keySet().forEach(user -> exactAnswers.put(user, offline.itemToItem(user, RankingMetrics.K)));
      List<Measured> measured = new ArrayList<>();
      measured.add(new Measured("popularity", "the " + RankingMetrics.K + " products with most training interactions the user has"
          + " not touched", score(split, catalog, user -> offline.popularity(user, RankingMetrics.K))));
      measured.add(new Measured("exact item-to-item", "offline, every interaction, no bounds; empty slots filled with the 24 h"
          + " most viewed, as Beacon fills them", score(split, catalog, exactAnswers::get)));
      measured.add(new Measured("Beacon", beaconHow(settings), score(split, catalog, user -> ids(shipped.answers().get(user)))));
      if (bounds != null) {
        BeaconRun bounded = beacon("Beacon, tight bounds", Map.of("beacon.personal.history-size", bounds.historySize(),
            "beacon.personal.max-neighbours", bounds.maxNeighbours()), split, shift, dir.resolve("bounded"));
        measured.add(new Measured(String.format("Beacon, history-size %d, max-neighbours %d", bounds.historySize(), bounds.maxNeighbours()),
            beaconHow(bounded.settings()), score(split, catalog, user -> ids(bounded.answers().get(user)))));
      }
      PersonalReport.Facts facts = new PersonalReport.Facts(command, source, rows.size(), catalog, split, holdout, settings,
          exact.largestHistory(), exact.mostNeighbours(), longestUserSpan(split.training()), agreement(shipped, exactAnswers),
          sourceShares(shipped), shipped.loadSeconds(), shipped.queryMs());
      PersonalReport.write(report, facts, measured, out);
    } finally {
      Directories.deleteRecursively(dir);
    }
  }

  private String beaconHow(PersonalConfig settings) {
    return String.format(Locale.ROOT, "streamed through Kafka, answered over HTTP; history-size %d, max-neighbours %d",
        settings.historySize(), settings.maxNeighbours());
  }

  /** Starts a Beacon with {@code settings}, loads the training interactions, and asks for every test user's recommendations. */
  private BeaconRun beacon(String name, Map<String, Object> settings, HoldoutSplit split, long shift, Path dir) throws Exception {
    out.printf("eval: %s: starting an embedded broker and Beacon%s%n", name, settings.isEmpty() ? "" : " with " + settings);
    long started = System.nanoTime();
    try (ReplayedBeacon beacon = ReplayedBeacon.start(dir, settings)) {
      if (!beacon.personal().enabled()) {
        throw new IllegalStateException("personal recommendations are off (beacon.personal.enabled, BEACON_PERSONAL_ENABLED=false):"
            + " Beacon would answer every user with the most viewed products; unset it to evaluate them");
      }
      beacon.load(split.training(), shift, dir, out, err);
      double loadSeconds = (System.nanoTime() - started) / 1e9;
      Map<String, List<ReplayedBeacon.Item>> answers = new HashMap<>();
      List<Double> queryMs = new ArrayList<>(split.test().size());
      int asked = 0;
      for (String user : split.test().keySet()) {
        long sent = System.nanoTime();
        answers.put(user, beacon.recommendations(user, RankingMetrics.K));
        queryMs.add((System.nanoTime() - sent) / 1e6);
        if (++asked % 500 == 0 || asked == split.test().size()) {
          out.printf("eval: %s: asked for %,d of %,d users' recommendations%n", name, asked, split.test().size());
        }
      }
      return new BeaconRun(beacon.personal(), answers, loadSeconds, queryMs);
    }
  }

  private static List<String> ids(List<ReplayedBeacon.Item> items) {
    return items.stream().map(ReplayedBeacon.Item::productId).toList();
  }

  private static RankingMetrics.Result score(HoldoutSplit split, int catalog, java.util.function.Function<String, List<String>> model) {
    RankingMetrics metrics = new RankingMetrics();
    split.test().forEach((user, relevant) -> metrics.add(model.apply(user), relevant));
    return metrics.result(catalog);
  }

  /** Share of test users whose Beacon answer is the exact model's, product for product. */
  private static double agreement(BeaconRun beacon, Map<String, List<String>> exact) {
    long same = exact.entrySet().stream().filter(user -> ids(beacon.answers().get(user.getKey())).equals(user.getValue())).count();
    return (double) same / exact.size();
  }

  /** Share of Beacon's recommended slots per source (personal, popular). */
  private static Map<String, Double> sourceShares(BeaconRun beacon) {
    Map<String, Double> shares = new java.util.TreeMap<>();
    long slots = beacon.answers().values().stream().mapToLong(List::size).sum();
    beacon.answers().values().forEach(items -> items.forEach(item -> shares.merge(item.source(), 1.0 / slots, Double::sum)));
    return shares;
  }

  /** The longest time between a user's first and last training interaction. */
  private static Duration longestUserSpan(List<Interaction> training) {
    Map<String, long[]> spans = new HashMap<>();
    for (Interaction row : training) {
      long[] span = spans.computeIfAbsent(row.userId(), u -> new long[] {row.time(), row.time()});
      span[0] = Math.min(span[0], row.time());
      span[1] = Math.max(span[1], row.time());
    }
    return Duration.ofMillis(spans.values().stream().mapToLong(span -> span[1] - span[0]).max().orElse(0));
  }
}
