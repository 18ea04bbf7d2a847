package io.beacon.service.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.loadgen.clicks.ClickModel;
import io.beacon.loadgen.clicks.ClickTraffic;
import io.beacon.loadgen.clicks.ShownImpression;
import io.beacon.service.Directories;
import io.beacon.streams.PredictConfig;
import io.beacon.streams.predict.ModelVersions;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * One evaluation of click prediction: impressions drawn from a known click model replayed through
 * a Beacon of its own, the two candidate models' progressive figures read from their versions, and
 * each pinned in turn to predict a holdout set over HTTP; all against the Bayes-optimal log loss
 * the true probabilities give.
 */
final class PredictEvaluation {

  static final int ADVERTISERS = 4;
  static final int PRODUCTS_PER_ADVERTISER = 250;
  static final Duration SPAN = Duration.ofHours(48);
  static final Duration MAX_CLICK_DELAY = Duration.ofMinutes(10);
  static final Duration HOLDOUT_SPAN = Duration.ofHours(1);
  private static final int PREDICTIONS_IN_FLIGHT = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run's data set. */
  record Settings(long seed, int impressions, int holdout) {}

  /** A version's progressive figures, as GET /v1/models/{name}/versions gives them. */
  record VersionPoint(long version, long examples, Clicks clicks, double logLossSum, long recentExamples, double recentLogLossSum,
      Double auc, Map<String, Clicks> placements) {}

  /** Clicks and predicted clicks, so far. */
  record Clicks(long actual, double predicted) {
    static Clicks of(JsonNode figures) {
      long actual = figures.path("clicks").asLong();
      return new Clicks(actual, figures.path("calibration").isNumber() ? figures.path("calibration").asDouble() * actual : 0);
    }
  }

  /** Each holdout impression's prediction by one model. */
  record Holdout(String model, long version, double[] pctr) {}

  /** What the run measured, for the report. */
  record Result(Settings settings, PredictConfig predict, List<ShownImpression> training, List<ShownImpression> holdout,
      Map<String, List<VersionPoint>> versions, List<Holdout> predictions, double loadSeconds, long events) {}

  private final Settings settings;
  private final PrintStream out;
  private final PrintStream err;

  PredictEvaluation(Settings settings, PrintStream out, PrintStream err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  void run(Path report, String command) throws Exception {
    ClickModel truth = new ClickModel(settings.seed(), ADVERTISERS, PRODUCTS_PER_ADVERTISER);
    // Whole days: the click model's hour of day, and so the data, are the same whenever it runs.
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant start = end.minus(SPAN);
    List<ShownImpression> training = new ClickTraffic(truth, settings.seed() + 1)
        .impressions(settings.impressions(), start, SPAN, MAX_CLICK_DELAY, "i");
    // The hour after training: what a real-time model is for, predicting the impressions that come next.
    List<ShownImpression> holdout = new ClickTraffic(truth, settings.seed() + 2)
        .impressions(settings.holdout(), end, HOLDOUT_SPAN, MAX_CLICK_DELAY, "h");
    Path dir = Files.createTempDirectory("beacon-eval-predict");
    try (ReplayedBeacon beacon = ReplayedBeacon.start(dir, Map.of("beacon.predict.publish-interval", "1s"))) {
      PredictConfig predict = beacon.predictConfig();
      Path events = dir.resolve("events.jsonl");
      long written = writeEvents(training, end.plus(predict.attributionWindow()).plus(Duration.ofMinutes(1)), events);
      for (int a = 0; a < ADVERTISERS; a++) {
        beacon.registerAdvertiser(ClickModel.advertiserId(a));
      }
      out.printf("eval: sending %,d events (%,d impressions with their clicks) ...%n", written, training.size());
      double seconds = beacon.backfill(events, written, out, err);
      beacon.await("both models to have learned every impression", Duration.ofMinutes(10), () -> {
        JsonNode models = beacon.get("/v1/models").path("models");
        return models.path(0).path("latest").path("examples").asLong() == training.size()
            && models.path(1).path("latest").path("examples").asLong() == training.size();
      });
      out.printf("eval: Beacon counted, labelled and learned %,d events in %.1f s%n", written, seconds);
      Map<String, List<VersionPoint>> versions = new LinkedHashMap<>();
      List<Holdout> predictions = new ArrayList<>();
      for (String model : ModelVersions.MODELS) {
        versions.put(model, versions(beacon, model));
        predictions.add(predictHoldout(beacon, model, holdout));
      }
      Result result = new Result(settings, predict, training, holdout, versions, predictions, seconds, written);
      PredictReport.write(result, report, command);
      out.printf("eval: wrote %s and its charts%n", report);
    } finally {
      Directories.deleteRecursively(dir);
    }
  }

  /** The training impressions and their clicks in time order, then a view per advertiser at {@code closeAt} to close every window. */
  private static long writeEvents(List<ShownImpression> training, Instant closeAt, Path file) throws Exception {
    record Line(Instant at, String json) {}
    List<Line> lines = new ArrayList<>(training.size() * 2);
    for (ShownImpression shown : training) {
      lines.add(new Line(shown.at(), event(shown, "impression", shown.eventId(), shown.at())));
      if (shown.clicked()) {
        lines.add(new Line(shown.clickedAt(), event(shown, "click", shown.eventId() + "-click", shown.clickedAt())));
      }
    }
    lines.sort(Comparator.comparing(Line::at));
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Line line : lines) {
        writer.write(line.json());
        writer.newLine();
      }
      for (int a = 0; a < ADVERTISERS; a++) {
        writer.write(JSON.createObjectNode().put("event_id", "close-" + a).put("type", "view")
            .put("advertiser_id", ClickModel.advertiserId(a)).put("product_id", "closing").put("event_time", closeAt.toString())
            .toString());
        writer.newLine();
      }
    }
    return lines.size() + ADVERTISERS;
  }

  private static String event(ShownImpression shown, String type, String id, Instant at) {
    ObjectNode event = JSON.createObjectNode().put("event_id", id).put("type", type).put("event_time", at.toString())
        .put("advertiser_id", shown.advertiserId()).put("product_id", shown.productId()).put("user_id", shown.userId())
        .put("placement", shown.placement());
    ObjectNode context = event.putObject("context");
    shown.context().forEach(context::put);
    return event.toString();
  }

  private static List<VersionPoint> versions(ReplayedBeacon beacon, String model) throws Exception {
    List<VersionPoint> points = new ArrayList<>();
    for (JsonNode v : beacon.get("/v1/models/" + model + "/versions").path("versions")) {
      Map<String, Clicks> placements = new LinkedHashMap<>();
      v.path("placements").forEach(p -> placements.put(p.path("placement").asText(), Clicks.of(p)));
      points.add(new VersionPoint(v.path("version").asLong(), v.path("examples").asLong(), Clicks.of(v),
          v.path("log_loss").asDouble() * v.path("examples").asLong(), v.path("recent_examples").asLong(),
          v.path("recent_log_loss").asDouble() * v.path("recent_examples").asLong(), nullable(v.path("auc")), placements));
    }
    points.sort(Comparator.comparingLong(VersionPoint::version));
    return points;
  }

  private static Double nullable(JsonNode value) {
    return value.isNumber() ? value.asDouble() : null;
  }

  /** Pins the model's latest version and asks Beacon for every holdout impression's pCTR. */
  private Holdout predictHoldout(ReplayedBeacon beacon, String model, List<ShownImpression> holdout) throws Exception {
    long version = beacon.get("/v1/models/" + model + "/versions").path("versions").path(0).path("version").asLong();
    beacon.sendAsync("PUT", "/v1/models/" + model + "/champion", "{\"version\": " + version + "}").join();
    beacon.await(model + " " + version + " serving", Duration.ofSeconds(30), () -> {
      JsonNode champion = beacon.get("/v1/models").path("champion");
      return champion.path("name").asText().equals(model) && champion.path("version").asLong() == version;
    });
    double[] pctr = new double[holdout.size()];
    Semaphore inFlight = new Semaphore(PREDICTIONS_IN_FLIGHT);
    List<CompletableFuture<Void>> asked = new ArrayList<>(holdout.size());
    for (int i = 0; i < holdout.size(); i++) {
      ShownImpression shown = holdout.get(i);
      ObjectNode body = JSON.createObjectNode().put("advertiser_id", shown.advertiserId()).put("placement", shown.placement())
          .put("at", shown.at().toString());
      ObjectNode context = body.putObject("context");
      shown.context().forEach(context::put);
      body.putArray("candidates").addObject().put("product_id", shown.productId());
      int index = i;
      inFlight.acquire();
      asked.add(beacon.sendAsync("POST", "/v1/predict", body.toString()).handle((answer, failure) -> {
        inFlight.release();
        if (failure != null) {
          throw new IllegalStateException(failure.getMessage(), failure);
        }
        if (!answer.path("model").path("name").asText().equals(model)) {
          throw new IllegalStateException("predict answered with " + answer.path("model") + " while " + model + " was pinned");
        }
        pctr[index] = answer.path("predictions").path(0).path("pctr").asDouble();
        return null;
      }));
    }
    CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).join();
    out.printf("eval: %s version %d predicted the %,d holdout impressions%n", model, version, holdout.size());
    return new Holdout(model, version, pctr);
  }
}
