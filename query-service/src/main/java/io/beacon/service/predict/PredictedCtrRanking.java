package io.beacon.service.predict;

import io.beacon.service.catalog.CatalogReadiness;
import io.beacon.service.catalog.CatalogSearch;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.query.ClickPredictions;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code recommendations?model=predicted-ctr}: the advertiser's catalog products ranked by the
 * champion's predicted click-through rate in a placement, answered by any instance from its own
 * catalog index and copy of the champion.
 */
@Singleton
public final class PredictedCtrRanking {

  /** Products of one advertiser scored per request at most, the first by id. */
  static final int MAX_CANDIDATES = 10_000;

  @Serdeable(naming = SnakeCaseStrategy.class)
  public record Item(String productId, double score) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  public record Ranking(String advertiserId, String model, String placement, PredictController.ModelRef modelVersion, List<Item> items,
      @Nullable String note) {}

  private final ClickPredictions predictions;
  private final CatalogSearch catalog;
  private final CatalogReadiness catalogIndex;

  PredictedCtrRanking(ClickPredictions predictions, CatalogSearch catalog, CatalogReadiness catalogIndex) {
    this.predictions = predictions;
    this.catalog = catalog;
    this.catalogIndex = catalogIndex;
  }

  /** The {@code n} products of the advertiser with the highest predicted click-through rate in the placement, best first. */
  public Ranking rank(String advertiserId, String placement, int n) {
    catalogIndex.requireReady();
    List<String> products = catalog.products("", Optional.of(advertiserId), Optional.empty(), MAX_CANDIDATES);
    List<ClickPredictions.Candidate> candidates = products.stream().map(p -> new ClickPredictions.Candidate(p, null)).toList();
    if (candidates.isEmpty()) {
      return new Ranking(advertiserId, "predicted-ctr", placement, null, List.of(),
          "the advertiser has no products in the catalog (PUT /v1/products/{id}) to rank");
    }
    ClickPredictions.Answer answer = QueryProblems.answer(predictions.predict(advertiserId, placement, null, null, candidates));
    List<Item> best = answer.predictions().stream()
        .sorted(Comparator.comparingDouble(ClickPredictions.Prediction::pctr).reversed().thenComparing(ClickPredictions.Prediction::productId))
        .limit(n).map(p -> new Item(p.productId(), p.pctr())).toList();
    String note = products.size() == MAX_CANDIDATES ? "ranked the advertiser's first " + MAX_CANDIDATES + " catalog products by id" : null;
    return new Ranking(advertiserId, "predicted-ctr", placement,
        new PredictController.ModelRef(answer.model(), answer.version(), answer.reason()), best, note);
  }
}
