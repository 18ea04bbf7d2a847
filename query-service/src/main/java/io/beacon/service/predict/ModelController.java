package io.beacon.service.predict;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.service.auth.CallerKey;
import io.beacon.service.ingest.FieldValues;
import io.beacon.service.ingest.JsonBodies;
import io.beacon.service.ingest.KafkaWriter;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.predict.Champion;
import io.beacon.streams.predict.ModelVersions;
import io.beacon.streams.query.ClickPredictions;
import io.beacon.streams.query.QueryResult;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The click-prediction models, their versions and progressive metrics, and the champion that predicts. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ModelController {

  private static final Logger LOG = LoggerFactory.getLogger(ModelController.class);

  @Serdeable(naming = SnakeCaseStrategy.class)
  record PlacementBody(String placement, long examples, long clicks, double logLoss, @Nullable Double calibration) {}

  /** A version's figures; calibration is predicted clicks ÷ actual clicks (1 is perfect), null before a click. */
  @Serdeable(naming = SnakeCaseStrategy.class)
  record VersionBody(String name, long version, Instant madeAt, long examples, long clicks, double logLoss, @Nullable Double auc,
      @Nullable Double calibration, long recentExamples, @Nullable Double recentLogLoss, List<PlacementBody> placements,
      boolean servable) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record PinBody(String name, long version, Instant pinnedAt, @Nullable String pinnedBy) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record ChampionBody(String name, long version, String chosenBecause, @Nullable PinBody pin) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record ModelBody(String name, @Nullable VersionBody latest, long versions) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Models(@Nullable ChampionBody champion, @Nullable String noChampionBecause, List<ModelBody> models) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Versions(String name, List<VersionBody> versions) {}

  private final ClickPredictions predictions;
  private final JsonBodies json;
  private final KafkaWriter writer;
  private final BeaconTopics topics;
  private final Clock clock = Clock.systemUTC();

  ModelController(ClickPredictions predictions, JsonBodies json, KafkaWriter writer, BeaconTopics topics) {
    this.predictions = predictions;
    this.json = json;
    this.writer = writer;
    this.topics = topics;
  }

  @Operation(summary = "The click-prediction models, each with its latest version, and the champion that predicts",
      description = "ftrl (logistic regression on hashed features, FTRL-Proximal) and smoothed-ctr (the baseline). The champion "
          + "is the pinned version, or else the latest version of the model with the lower log loss over the latest "
          + "beacon.predict.selection-examples examples. Needs read:all or admin.")
  @Get(uri = "/v1/models", produces = MediaType.APPLICATION_JSON)
  Models models() {
    Optional<ChampionPin> pin = QueryProblems.answer(predictions.pin());
    QueryResult<Champion.Choice> champion = predictions.champion();
    ChampionBody championBody = null;
    String none = null;
    if (champion instanceof QueryResult.Found<Champion.Choice> found) {
      ModelVersion v = found.value().version();
      championBody = new ChampionBody(v.getModel(), v.getVersion(), found.value().reason(), pin.map(ModelController::pin).orElse(null));
    } else if (champion instanceof QueryResult.NotReady<Champion.Choice> notReady) {
      none = notReady.reason();
    } else {
      QueryProblems.answer(champion);
    }
    List<ModelBody> models = new ArrayList<>();
    for (String model : ModelVersions.MODELS) {
      List<ModelVersion> versions = QueryProblems.answer(predictions.versions(model));
      models.add(new ModelBody(model, versions.isEmpty() ? null : body(versions.get(versions.size() - 1)), versions.size()));
    }
    return new Models(championBody, none, models);
  }

  @Operation(summary = "Every version of a model, newest first, with its progressive metrics",
      description = "Each version's figures score every example it had seen by what the model predicted before learning it. "
          + "Versions older than the latest beacon.predict.versions-kept keep their figures but not their weights "
          + "(servable false). Needs read:all or admin.")
  @Get(uri = "/v1/models/{name}/versions", produces = MediaType.APPLICATION_JSON)
  Versions versions(@PathVariable String name) {
    String model = known(name);
    List<VersionBody> versions = new ArrayList<>(QueryProblems.answer(predictions.versions(model)).stream()
        .map(ModelController::body).toList());
    versions.sort(Comparator.comparingLong(VersionBody::version).reversed());
    return new Versions(model, versions);
  }

  @Operation(summary = "Pin a version as the champion that predicts",
      description = "Body {\"version\": N}; the version must still have its weights. Every instance serves it within about a "
          + "second, until DELETE unpins it. Needs admin.")
  @Put(uri = "/v1/models/{name}/champion", produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.APPLICATION_JSON)
  PinBody pin(HttpRequest<?> request, @PathVariable String name, @Body byte[] body) {
    String model = known(name);
    List<FieldError> errors = new ArrayList<>();
    FieldValues fields = JsonBodies.object(json.parse(body), "", Set.of("version"), errors);
    Object raw = fields.raw("version");
    if (!(raw instanceof Long number) || number < 1) {
      errors.add(new FieldError("version", raw == null
          ? "is required: the version to pin, from GET /v1/models/" + model + "/versions"
          : "must be a whole number of at least 1, was " + FieldValues.abbreviate(String.valueOf(raw))));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    long version = (Long) raw;
    ModelVersion pinned = QueryProblems.answer(predictions.version(model, version));
    if (pinned.getWeights() == null) {
      throw new ProblemException(HttpStatus.CONFLICT, "Conflict", model + " version " + version + " no longer has its weights:"
          + " only the latest beacon.predict.versions-kept versions can be pinned", List.of(), null);
    }
    ChampionPin pin = new ChampionPin(model, version, clock.instant(), CallerKey.keyName(request).orElse(null));
    String topic = topics.modelPins();
    writer.write(List.of(new ProducerRecord<>(topic, ModelVersions.CHAMPION, BeaconSerdes.championPin().serialize(topic, pin))));
    LOG.atInfo().addKeyValue("model", model).addKeyValue("version", version).log("pinned {} version {} as champion", model, version);
    return pin(pin);
  }

  @Operation(summary = "Unpin the champion: Beacon chooses it again by log loss", description = "Needs admin.")
  @Delete(uri = "/v1/models/{name}/champion", produces = MediaType.APPLICATION_JSON)
  Models unpin(@PathVariable String name) {
    String model = known(name);
    Optional<ChampionPin> pin = QueryProblems.answer(predictions.pin());
    if (pin.isEmpty() || !pin.get().getModel().equals(model)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, "Not found", "no version of " + model + " is pinned"
          + pin.map(p -> " (" + p.getModel() + " version " + p.getVersion() + " is)").orElse(""), List.of(), null);
    }
    writer.write(List.of(new ProducerRecord<>(topics.modelPins(), ModelVersions.CHAMPION, null)));
    LOG.atInfo().addKeyValue("model", model).log("unpinned the champion {} version {}", model, pin.get().getVersion());
    return models();
  }

  private static String known(String name) {
    String model = name.trim().toLowerCase(java.util.Locale.ROOT);
    if (!ModelVersions.MODELS.contains(model)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, "Not found", "no model '" + FieldValues.abbreviate(name) + "'; the models are "
          + String.join(", ", ModelVersions.MODELS), List.of(), null);
    }
    return model;
  }

  private static PinBody pin(ChampionPin pin) {
    return new PinBody(pin.getModel(), pin.getVersion(), pin.getPinnedAt(), pin.getPinnedBy());
  }

  static VersionBody body(ModelVersion v) {
    ModelMetrics m = v.getMetrics();
    List<PlacementBody> placements = m.getPlacements().entrySet().stream()
        .map(p -> new PlacementBody(p.getKey(), p.getValue().getExamples(), p.getValue().getClicks(),
            p.getValue().getLogLossSum() / Math.max(1, p.getValue().getExamples()),
            calibration(p.getValue().getPredictedClicks(), p.getValue().getClicks())))
        .toList();
    double recent = Champion.recentLogLoss(m);
    return new VersionBody(v.getModel(), v.getVersion(), v.getMadeAt(), m.getExamples(), m.getClicks(),
        m.getLogLossSum() / Math.max(1, m.getExamples()), m.getAuc(), calibration(m.getPredictedClicks(), m.getClicks()),
        m.getRecentExamples(), Double.isNaN(recent) ? null : recent, placements, v.getWeights() != null);
  }

  private static Double calibration(double predicted, long clicks) {
    return clicks == 0 ? null : predicted / clicks;
  }
}
