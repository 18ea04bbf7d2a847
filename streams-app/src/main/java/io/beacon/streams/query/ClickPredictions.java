package io.beacon.streams.query;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.streams.predict.Champion;
import io.beacon.streams.predict.ClickFeatures.Impression;
import io.beacon.streams.predict.ModelVersions;
import io.beacon.streams.predict.ServedModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Click predictions and the models' versions, from this instance's copy of the models and
 * model-pins global tables: any instance answers, none forwards. The champion is chosen again at
 * most every {@link #CHOOSE_EVERY}, and a version is decoded once, when it becomes the champion.
 */
public final class ClickPredictions {

  /** How long a chosen champion serves before the tables are read again; far below the publish interval. */
  static final Duration CHOOSE_EVERY = Duration.ofMillis(200);

  private final AdvertiserState.Source source;
  private final int priorImpressions;
  private final Clock clock;
  private volatile Chosen chosen;

  public ClickPredictions(AdvertiserState.Source source, int priorImpressions, Clock clock) {
    this.source = source;
    this.priorImpressions = priorImpressions;
    this.clock = clock;
  }

  private record Chosen(Champion.Choice choice, ServedModel model, long at) {}

  /** One candidate product of a request, with the campaign it would be shown in, if any. */
  public record Candidate(String productId, String campaignId) {}

  /** The product's predicted click-through rate. */
  public record Prediction(String productId, double pctr) {}

  /** The predictions, in the order of the candidates, and the version that made them. */
  public record Answer(String model, long version, String reason, List<Prediction> predictions) {}

  /**
   * Predicts each candidate's click-through rate, were it shown now (or {@code at}) to this user in
   * this placement with this context.
   */
  public QueryResult<Answer> predict(String advertiserId, String placement, Map<String, String> context, Instant at,
      List<Candidate> candidates) {
    QueryResult<Chosen> champion = served();
    if (!(champion instanceof QueryResult.Found<Chosen> found)) {
      return champion.retype();
    }
    QueryResult<ReadOnlyKeyValueStore<String, Product>> catalog = source.catalog();
    if (!(catalog instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, Product>> products)) {
      return catalog.retype();
    }
    ServedModel model = found.value().model();
    Instant moment = at == null ? clock.instant() : at;
    List<Impression> impressions = new ArrayList<>(candidates.size());
    for (Candidate candidate : candidates) {
      impressions.add(new Impression(advertiserId, candidate.productId(), candidate.campaignId(), placement, moment, context,
          products.value().get(candidate.productId())));
    }
    double[] pctr = model.predictEach(impressions);
    List<Prediction> predictions = new ArrayList<>(candidates.size());
    for (int k = 0; k < pctr.length; k++) {
      predictions.add(new Prediction(candidates.get(k).productId(), pctr[k]));
    }
    return new QueryResult.Found<>(new Answer(model.model(), model.version(), found.value().choice().reason(), predictions));
  }

  /** The version {@code predict} serves now, and why. */
  public QueryResult<Champion.Choice> champion() {
    return served().map(Chosen::choice);
  }

  private QueryResult<Chosen> served() {
    Chosen current = chosen;
    long now = clock.millis();
    if (current != null && now - current.at() < CHOOSE_EVERY.toMillis()) {
      return new QueryResult.Found<>(current);
    }
    QueryResult<Optional<Champion.Choice>> choice = choose();
    if (!(choice instanceof QueryResult.Found<Optional<Champion.Choice>> found)) {
      return choice.retype();
    }
    if (found.value().isEmpty()) {
      return new QueryResult.NotReady<>("no model version yet: the models learn from impressions with a user_id once their"
          + " attribution window closes or a click is attributed, and publish every beacon.predict.publish-interval");
    }
    Champion.Choice next = found.value().get();
    ServedModel model = current != null && current.model().model().equals(next.version().getModel())
        && current.model().version() == next.version().getVersion() ? current.model() : ServedModel.of(next.version(), priorImpressions);
    Chosen fresh = new Chosen(next, model, now);
    chosen = fresh;
    return new QueryResult.Found<>(fresh);
  }

  private QueryResult<Optional<Champion.Choice>> choose() {
    QueryResult<ReadOnlyKeyValueStore<String, ChampionPin>> pins = source.modelPins();
    QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models = source.models();
    if (!(pins instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, ChampionPin>> pinStore)) {
      return pins.retype();
    }
    if (!(models instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, ModelVersion>> versions)) {
      return models.retype();
    }
    ChampionPin pin = pinStore.value().get(ModelVersions.CHAMPION);
    ModelVersion pinned = pin == null ? null : versions.value().get(ModelVersions.key(pin.getModel(), pin.getVersion()));
    List<ModelVersion> latest = new ArrayList<>();
    for (String model : ModelVersions.MODELS) {
      latest(versions.value(), model).ifPresent(latest::add);
    }
    return new QueryResult.Found<>(Champion.choose(pin, pinned, latest));
  }

  private static Optional<ModelVersion> latest(ReadOnlyKeyValueStore<String, ModelVersion> versions, String model) {
    try (KeyValueIterator<String, ModelVersion> newestFirst = versions.reverseRange(ModelVersions.firstKey(model),
        ModelVersions.lastKey(model))) {
      return newestFirst.hasNext() ? Optional.of(newestFirst.next().value) : Optional.empty();
    }
  }

  /** The model's latest version, if it has one. */
  public QueryResult<Optional<ModelVersion>> latest(String model) {
    return source.models().map(versions -> latest(versions, model));
  }

  /** Every version of the model, oldest first, or not found when it has none. */
  public QueryResult<List<ModelVersion>> versions(String model) {
    QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models = source.models();
    if (!(models instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, ModelVersion>> found)) {
      return models.retype();
    }
    List<ModelVersion> all = new ArrayList<>();
    try (KeyValueIterator<String, ModelVersion> versions = found.value().range(ModelVersions.firstKey(model), ModelVersions.lastKey(model))) {
      versions.forEachRemaining(v -> all.add(v.value));
    }
    return new QueryResult.Found<>(all);
  }

  /** One version of a model, or not found. */
  public QueryResult<ModelVersion> version(String model, long version) {
    QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models = source.models();
    if (!(models instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, ModelVersion>> found)) {
      return models.retype();
    }
    ModelVersion v = found.value().get(ModelVersions.key(model, version));
    return v == null ? new QueryResult.NotFound<>(model + " has no version " + version) : new QueryResult.Found<>(v);
  }

  /** The pin, if any. */
  public QueryResult<Optional<ChampionPin>> pin() {
    return source.modelPins().map(pins -> Optional.ofNullable(pins.get(ModelVersions.CHAMPION)));
  }
}
