package io.beacon.service.predict;

import io.beacon.service.auth.CallerKey;
import io.beacon.service.ingest.EventParser;
import io.beacon.service.ingest.FieldValues;
import io.beacon.service.ingest.JsonBodies;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.query.ClickPredictions;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Predicted click-through rates of candidate products, from this instance's copy of the champion model. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class PredictController {

  static final int MAX_CANDIDATES = 1000;

  @Serdeable(naming = SnakeCaseStrategy.class)
  public record ModelRef(String name, long version, String chosenBecause) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record PredictionBody(String productId, double pctr, int prediction, String label) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Predictions(ModelRef model, double threshold, List<PredictionBody> predictions) {}

  private final JsonBodies json;
  private final ClickPredictions predictions;
  private final double threshold;

  PredictController(JsonBodies json, ClickPredictions predictions, BeaconConfig config) {
    this.json = json;
    this.predictions = predictions;
    this.threshold = config.predict().threshold();
  }

  @Operation(summary = "Predicted click-through rates of candidate products, in the order asked",
      description = "Body {\"advertiser_id\", \"placement\", \"user_id\"?, \"context\"?: {name: value} (as on events), "
          + "\"at\"?: ISO-8601 or epoch ms (default now: the hour and weekday are features), \"candidates\": "
          + "[{\"product_id\", \"campaign_id\"?}] (1 to 1000)}. Answered by the champion model version (GET /v1/models), "
          + "from this instance's copy; prediction is 1 (label click) when pctr is at least beacon.predict.threshold. Ids are "
          + "trimmed; user_id is accepted but not a feature: the models learn no user's own taste. "
          + "Needs the advertiser's scope, read:all or admin.")
  @Post(uri = "/v1/predict", produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.APPLICATION_JSON)
  Predictions predict(HttpRequest<?> request, @Body byte[] body) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode root = json.parse(body);
    FieldValues fields = JsonBodies.object(root, "", Set.of("advertiser_id", "placement", "user_id", "context", "at", "candidates"),
        errors);
    String advertiserId = fields.trimmedId("advertiser_id", true);
    String placement = fields.trimmedId("placement", true);
    fields.trimmedId("user_id", false);
    Map<String, String> context = fields.strings("context", EventParser.MAX_CONTEXT, EventParser.MAX_CONTEXT_NAME,
        EventParser.MAX_CONTEXT_VALUE);
    Instant at = at(fields);
    List<ClickPredictions.Candidate> candidates = candidates(root, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    if (!CallerKey.mayRead(request, advertiserId)) {
      throw new ProblemException(HttpStatus.FORBIDDEN, "Forbidden", "this API key may not read advertiser " + advertiserId
          + "; predictions need its scope (advertiser:" + advertiserId + "), read:all or admin", List.of(), null);
    }
    ClickPredictions.Answer answer = QueryProblems.answer(predictions.predict(advertiserId, placement, context, at, candidates));
    List<PredictionBody> bodies = answer.predictions().stream().map(p -> {
      boolean click = p.pctr() >= threshold;
      return new PredictionBody(p.productId(), p.pctr(), click ? 1 : 0, click ? "click" : "no_click");
    }).toList();
    return new Predictions(new ModelRef(answer.model(), answer.version(), answer.reason()), threshold, bodies);
  }

  private static Instant at(FieldValues fields) {
    Object raw = fields.raw("at");
    if (raw == null) {
      return null;
    }
    if (raw instanceof Long millis) {
      return Instant.ofEpochMilli(millis);
    }
    if (raw instanceof String text) {
      try {
        return Instant.parse(text.trim());
      } catch (DateTimeParseException e) {
        fields.error("at", "must be an ISO-8601 time such as 2026-11-23T10:15:30Z or epoch milliseconds; was '"
            + FieldValues.abbreviate(text) + "'");
        return null;
      }
    }
    fields.error("at", "must be an ISO-8601 time or epoch milliseconds, was " + FieldValues.typeName(raw));
    return null;
  }

  private static List<ClickPredictions.Candidate> candidates(JsonNode root, List<FieldError> errors) {
    JsonNode list = root.isObject() ? root.get("candidates") : null;
    if (list == null || list.isNull()) {
      errors.add(new FieldError("candidates", "is required: a list of 1 to " + MAX_CANDIDATES + " {\"product_id\"}"));
      return List.of();
    }
    if (!list.isArray() || list.size() == 0 || list.size() > MAX_CANDIDATES) {
      errors.add(new FieldError("candidates", "must be a list of 1 to " + MAX_CANDIDATES + " {\"product_id\"}, was "
          + (list.isArray() ? "a list of " + list.size() : JsonBodies.kind(list))));
      return List.of();
    }
    List<ClickPredictions.Candidate> candidates = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      FieldValues candidate = JsonBodies.object(list.get(i), "candidates[" + i + "]", Set.of("product_id", "campaign_id"), errors);
      candidates.add(new ClickPredictions.Candidate(candidate.trimmedId("product_id", true), candidate.trimmedId("campaign_id", false)));
    }
    return candidates;
  }
}
