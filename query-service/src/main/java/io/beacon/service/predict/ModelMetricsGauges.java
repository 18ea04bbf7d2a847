package io.beacon.service.predict;

import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import io.beacon.streams.predict.Champion;
import io.beacon.streams.predict.ModelVersions;
import io.beacon.streams.query.ClickPredictions;
import io.beacon.streams.query.QueryResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The click-prediction models' progressive figures as gauges, from each model's latest version on
 * this instance: {@code beacon_predict_log_loss{model,over="all"|"recent"}}, {@code
 * beacon_predict_auc{model}}, {@code beacon_predict_calibration{model}} (predicted ÷ actual
 * clicks), {@code beacon_predict_examples{model}}, and {@code beacon_predict_champion_version}
 * labelled with the champion's model. Read at scrape time; NaN before a model's first version.
 */
@Context
class ModelMetricsGauges {

  ModelMetricsGauges(ClickPredictions predictions, MeterRegistry registry) {
    for (String model : ModelVersions.MODELS) {
      gauge(registry, predictions, model, "beacon.predict.log.loss", "all", "Progressive log loss over every example learned",
          m -> m.getLogLossSum() / m.getExamples());
      gauge(registry, predictions, model, "beacon.predict.log.loss", "recent",
          "Progressive log loss over the latest beacon.predict.selection-examples examples", Champion::recentLogLoss);
      gauge(registry, predictions, model, "beacon.predict.auc", null, "Progressive AUC", m -> m.getAuc() == null ? Double.NaN : m.getAuc());
      gauge(registry, predictions, model, "beacon.predict.calibration", null, "Predicted clicks divided by actual clicks",
          m -> m.getClicks() == 0 ? Double.NaN : m.getPredictedClicks() / m.getClicks());
      gauge(registry, predictions, model, "beacon.predict.examples", null, "Examples the model learned", m -> m.getExamples());
      Gauge.builder("beacon.predict.champion.version", predictions, p -> p.champion() instanceof QueryResult.Found<Champion.Choice> found
              && found.value().version().getModel().equals(model) ? found.value().version().getVersion() : Double.NaN)
          .description("The version that predicts, under the label of its model")
          .tag("model", model)
          .register(registry);
    }
  }

  private static void gauge(MeterRegistry registry, ClickPredictions predictions, String model, String name, String over,
      String description, ToDoubleFunction<ModelMetrics> value) {
    Gauge.Builder<ClickPredictions> gauge = Gauge.builder(name, predictions, p -> {
      QueryResult<Optional<ModelVersion>> latest = p.latest(model);
      return latest instanceof QueryResult.Found<Optional<ModelVersion>> found && found.value().isPresent()
          && found.value().get().getMetrics().getExamples() > 0 ? value.applyAsDouble(found.value().get().getMetrics()) : Double.NaN;
    }).description(description).tag("model", model);
    if (over != null) {
      gauge.tag("over", over);
    }
    gauge.register(registry);
  }
}
