package io.beacon.service.catalog;

import io.beacon.service.auth.CallerKey;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.EventRules;
import io.beacon.streams.query.QueryResult;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Products like a given one, from their text (the catalog index), under Beacon's path and a batch recommender's. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class SimilarController {

  static final int MAX_COUNT = 100;

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Item(String productId, String advertiserId, String title, double score, List<String> terms) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Similar(String productId, String advertiserId, String features, String scope, String method, List<Item> items,
      @Nullable String reason) {}

  private final SimilarProducts similar;
  private final SimilarConfig config;
  private final CatalogReadiness readiness;

  SimilarController(SimilarProducts similar, SimilarConfig config, CatalogReadiness readiness) {
    this.similar = similar;
    this.config = config;
    this.readiness = readiness;
  }

  @Get(uri = "/v1/products/{id}/similar", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Products like this one, from their text, best first",
      description = "features=all (default: title, brand, category and description, each weighted by beacon.similar.*-weight) or "
          + "description; scope=advertiser (default: the product's advertiser's products) or catalog (every advertiser the API "
          + "key may read); method=bm25 or tfidf (default beacon.similar.method). Each item names the shared terms that made the "
          + "match, stemmed as indexed. Products of advertisers that are not ACTIVE are left out.")
  @ApiResponse(responseCode = "200", description = "Best first; empty with a reason when the product has no text to compare")
  @ApiResponse(responseCode = "404", description = "No such product in the catalog")
  Similar similar(HttpRequest<?> request, @PathVariable String id, @QueryValue(defaultValue = "all") String features,
      @QueryValue(defaultValue = "10") int count, @QueryValue(defaultValue = "advertiser") String scope,
      @Nullable @QueryValue String method) {
    List<FieldError> errors = new ArrayList<>();
    SimilarProducts.Features chosen = switch (features.trim().toLowerCase(Locale.ROOT)) {
      case "all" -> SimilarProducts.Features.ALL;
      case "description" -> SimilarProducts.Features.DESCRIPTION;
      default -> {
        errors.add(new FieldError("features", "must be all or description; was '" + features + "'"));
        yield null;
      }
    };
    return answer(request, id, chosen, count, scope, method, errors);
  }

  @Get(uri = "/recommendations/{id}", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Same as /v1/products/{id}/similar, under a batch content recommender's path",
      description = "feature_type=overview is features=description, multi is features=all; count as there.")
  Similar seedCompatible(HttpRequest<?> request, @PathVariable String id,
      @QueryValue(value = "feature_type", defaultValue = "multi") String featureType, @QueryValue(defaultValue = "10") int count) {
    List<FieldError> errors = new ArrayList<>();
    SimilarProducts.Features chosen = switch (featureType.trim().toLowerCase(Locale.ROOT)) {
      case "multi" -> SimilarProducts.Features.ALL;
      case "overview" -> SimilarProducts.Features.DESCRIPTION;
      default -> {
        errors.add(new FieldError("feature_type", "must be multi or overview; was '" + featureType + "'"));
        yield null;
      }
    };
    return answer(request, id, chosen, count, "advertiser", null, errors);
  }

  private Similar answer(HttpRequest<?> request, String id, SimilarProducts.Features features, int count, String scope,
      String method, List<FieldError> errors) {
    EventRules.idProblem(id).ifPresent(reason -> errors.add(new FieldError("id", reason)));
    if (count < 1 || count > MAX_COUNT) {
      errors.add(new FieldError("count", "must be between 1 and " + MAX_COUNT + "; was " + count));
    }
    String scopeName = scope.trim().toLowerCase(Locale.ROOT);
    if (!scopeName.equals("advertiser") && !scopeName.equals("catalog")) {
      errors.add(new FieldError("scope", "must be advertiser or catalog; was '" + scope + "'"));
    }
    SimilarityMethod chosenMethod = config.method();
    if (method != null) {
      Optional<SimilarityMethod> named = SimilarityMethod.named(method);
      if (named.isEmpty()) {
        errors.add(new FieldError("method", "must be bm25 or tfidf; was '" + method + "'"));
      } else {
        chosenMethod = named.get();
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    readiness.requireReady();
    // The product's own advertiser first: a key that may not read it learns nothing of its neighbours.
    QueryResult<String> owner = similar.advertiserOf(id);
    CallerKey.requireReadOfProduct(request, id, owner instanceof QueryResult.Found<String> found ? Optional.of(found.value())
        : Optional.empty());
    String advertiserId = QueryProblems.answer(owner);
    Optional<Set<String>> advertisers = scopeName.equals("advertiser") ? Optional.of(Set.of(advertiserId))
        : CallerKey.readableAdvertisers(request);
    SimilarProducts.Answer answer = QueryProblems.answer(similar.similar(id, features, chosenMethod, advertisers, count));
    return new Similar(id, advertiserId, features.id(), scopeName, chosenMethod.id(), answer.items().stream()
        .map(i -> new Item(i.productId(), i.advertiserId(), i.title(), i.score(), i.terms())).toList(), answer.reason());
  }
}
