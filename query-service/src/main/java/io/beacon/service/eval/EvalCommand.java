package io.beacon.service.eval;

import io.beacon.loadgen.catalog.CatalogJsonl;
import io.beacon.loadgen.catalog.CatalogProduct;
import io.beacon.loadgen.catalog.SyntheticCatalog;
import io.beacon.loadgen.interactions.Interaction;
import io.beacon.loadgen.interactions.InteractionsCsv;
import io.beacon.loadgen.interactions.SyntheticInteractions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code beacon eval}: measures personal recommendations ({@code personal}) and similar products
 * ({@code similar}), and writes the synthetic data sets they are measured on by default ({@code
 * generate}, {@code generate-catalog}).
 */
@Command(name = "beacon eval", mixinStandardHelpOptions = true,
    description = "Measures Beacon's recommendations on a data set against baselines computed on the same split.",
    subcommands = {EvalCommand.Personal.class, EvalCommand.Similar.class, EvalCommand.Predict.class, EvalCommand.Generate.class,
        EvalCommand.GenerateCatalog.class})
public final class EvalCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final PrintStream out;
  private final PrintStream err;

  private EvalCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name what to evaluate: personal, similar or predict (or generate a data set: generate, generate-catalog)");
  }

  /** Runs the command; the exit status: 0 when done, 1 when it failed, 2 on a usage error. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine command = new CommandLine(new EvalCommand(out, err));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    // The embedded broker and Beacon log to the same console: warnings only, so the progress shows
    // (logback.xml reads it when the first logger is made, which is after this).
    System.setProperty("beacon.log.level", "WARN");
    command.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("beacon eval: " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    });
    return command.execute(args);
  }

  @Command(name = "personal", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Holds out each user's last interactions, replays the rest through an embedded broker into a Beacon"
          + " of its own (POST /v1/backfill), asks it over HTTP for every test user's recommendations, and compares"
          + " them with popularity and an exact offline item-to-item model computed on the same split. Writes a"
          + " report (Markdown) and a chart (PNG beside it).",
          "The model's settings are Beacon's (application.yml, BEACON_PERSONAL_* variables)."})
  static final class Personal implements Callable<Integer> {

    @Option(names = "--interactions", paramLabel = "FILE",
        description = "CSV with the header user_id,product_id,event_time[,type]; event_time ISO-8601 or epoch seconds or"
            + " milliseconds, type view (default) or click. Default: the synthetic set of --seed")
    Path interactions;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the synthetic set, without --interactions (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--holdout", defaultValue = "5", description = "interactions held out per user, the latest (default ${DEFAULT-VALUE})")
    int holdout;

    @Option(names = "--bounded", defaultValue = "10,20", paramLabel = "SIZE,NEIGHBOURS",
        description = "also run Beacon with history-size SIZE and max-neighbours NEIGHBOURS, to show what tight bounds cost;"
            + " none to skip (default ${DEFAULT-VALUE})")
    String bounded;

    @Option(names = "--report", defaultValue = "docs/eval-personal.md", description = "the report to write (default ${DEFAULT-VALUE})")
    Path report;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    EvalCommand parent;

    @Override
    public Integer call() throws Exception {
      if (holdout < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--holdout must be at least 1, was " + holdout);
      }
      if (interactions != null && !Files.isReadable(interactions)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + interactions + ": no such file, or not readable");
      }
      PersonalEvaluation.Bounds bounds = PersonalEvaluation.Bounds.parse(bounded, spec.commandLine());
      List<Interaction> rows;
      String source;
      if (interactions == null) {
        SyntheticInteractions synthetic = SyntheticInteractions.standard(seed);
        rows = synthetic.generate();
        source = PersonalEvaluation.describe(synthetic);
      } else {
        rows = InteractionsCsv.read(interactions);
        source = "`" + interactions.getFileName() + "`";
      }
      String command = "./beacon eval " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
      new PersonalEvaluation(rows, source, holdout, bounds, parent.out, parent.err).run(report, command.strip());
      return 0;
    }
  }

  @Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Loads a labelled catalog into a Beacon of its own (embedded broker; PUT /v1/advertisers and"
          + " /v1/products), asks for every labelled product's similar products over HTTP with each method (bm25, tfidf)"
          + " and field mode (all, description), and scores precision@10 of the same label against random products and"
          + " random products of the same category. Writes a report (Markdown).",
          "The text language and field weights are Beacon's (application.yml, BEACON_TEXT_LANGUAGE, BEACON_SIMILAR_*)."})
  static final class Similar implements Callable<Integer> {

    @Option(names = "--catalog", paramLabel = "FILE",
        description = "JSON Lines, one product per line: the PUT /v1/products body plus id and an optional label."
            + " Default: the synthetic catalog of --seed")
    Path catalog;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the synthetic catalog, without --catalog (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--report", defaultValue = "docs/eval-similar.md", description = "the report to write (default ${DEFAULT-VALUE})")
    Path report;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    EvalCommand parent;

    @Override
    public Integer call() throws Exception {
      if (catalog != null && !Files.isReadable(catalog)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + catalog + ": no such file, or not readable");
      }
      List<CatalogProduct> products;
      String source;
      if (catalog == null) {
        SyntheticCatalog synthetic = SyntheticCatalog.standard(seed);
        products = synthetic.generate();
        source = describe(synthetic);
      } else {
        products = CatalogJsonl.read(catalog);
        source = "`" + catalog.getFileName() + "`";
      }
      String command = "./beacon eval " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
      new SimilarEvaluation(products, source, parent.out).run(report, command.strip());
      return 0;
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Draws impressions from a known click model (placement, hour, device and country effects, with"
          + " interactions), replays them and their clicks through an embedded broker into a Beacon of its own (POST"
          + " /v1/backfill), reads both candidate models' progressive figures from their versions, has each predict a"
          + " holdout over POST /v1/predict, and compares all with the Bayes-optimal log loss of the true probabilities."
          + " Writes a report (Markdown) and two charts (PNG beside it).",
          "The models' settings are Beacon's (application.yml, BEACON_PREDICT_* variables)."})
  static final class Predict implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "7", description = "seed of the click model and the traffic (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--impressions", defaultValue = "1000000", description = "training impressions (default ${DEFAULT-VALUE})")
    int impressions;

    @Option(names = "--holdout", defaultValue = "20000", description = "holdout impressions, predicted over HTTP (default ${DEFAULT-VALUE})")
    int holdout;

    @Option(names = "--report", defaultValue = "docs/eval-predict.md", description = "the report to write (default ${DEFAULT-VALUE})")
    Path report;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    EvalCommand parent;

    @Override
    public Integer call() throws Exception {
      if (impressions < 1000 || holdout < 100) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--impressions must be at least 1000 and --holdout at least 100");
      }
      String command = "./beacon eval " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
      new PredictEvaluation(new PredictEvaluation.Settings(seed, impressions, holdout), parent.out, parent.err)
          .run(report, command.strip());
      return 0;
    }
  }

  @Command(name = "generate-catalog", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Writes a synthetic labelled catalog as JSON Lines: products in topics (their labels) whose text mixes the"
          + " topic's words with shared noise words, categories that mostly follow the topic. The same seed writes the same file.")
  static final class GenerateCatalog implements Callable<Integer> {

    @CommandLine.ParentCommand
    EvalCommand parent;

    @Parameters(index = "0", paramLabel = "FILE", description = "the JSON Lines file to write")
    Path file;

    @Option(names = "--seed", defaultValue = "7", description = "(default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--small", description = "500 products in 10 topics; default: 5,000 products in 25 topics")
    boolean small;

    @Override
    public Integer call() throws Exception {
      SyntheticCatalog synthetic = small ? SyntheticCatalog.small(seed) : SyntheticCatalog.standard(seed);
      List<CatalogProduct> products = synthetic.generate();
      CatalogJsonl.write(file, products);
      parent.out.printf("eval: wrote %,d products to %s (%s)%n", products.size(), file, describe(synthetic));
      return 0;
    }
  }

  static String describe(SyntheticCatalog c) {
    return String.format(java.util.Locale.ROOT, "the synthetic catalog of seed %d (%,d products of %d advertisers in %d topics over %d"
        + " categories; %.0f%% topic words in descriptions, %.0f%% in titles, %.0f%% in their topic's category)", c.seed(), c.products(),
        c.advertisers(), c.topics(), c.categories(), c.topicShare() * 100, c.titleTopicShare() * 100, c.categoryShare() * 100);
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Writes a synthetic interactions CSV: products in taste groups, users with one or two tastes visiting in"
          + " sessions over 14 days, some noise and popularity skew. The same seed writes the same file.")
  static final class Generate implements Callable<Integer> {

    @CommandLine.ParentCommand
    EvalCommand parent;

    @Parameters(index = "0", paramLabel = "FILE", description = "the CSV to write")
    Path file;

    @Option(names = "--seed", defaultValue = "7", description = "(default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--small", description = "100 users × 50 products, 5,000 interactions; default: 2,000 users × 200 products")
    boolean small;

    @Override
    public Integer call() throws Exception {
      SyntheticInteractions synthetic = small ? SyntheticInteractions.small(seed) : SyntheticInteractions.standard(seed);
      List<Interaction> rows = synthetic.generate();
      InteractionsCsv.write(file, rows);
      parent.out.printf("eval: wrote %,d interactions to %s (%s)%n", rows.size(), file, PersonalEvaluation.describe(synthetic));
      return 0;
    }
  }
}
