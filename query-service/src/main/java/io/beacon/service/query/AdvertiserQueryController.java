package io.beacon.service.query;

import static java.util.Objects.requireNonNullElse;

import io.beacon.service.http.KnownQueryParameters;
import io.beacon.service.http.OwnQueryParameters;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpParameters;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Bidders' and dashboards' questions about one advertiser, answered from local state. The bidders'
 * recommendations are answered on the event loop when local (see {@code AdvertiserRouter#answerAsync});
 * stats and history, which can scan many buckets, and every query that may wait on another
 * instance, run on the blocking executor.
 */
@Controller("/v1/advertisers/{adv}")
@Tag(name = "Queries")
class AdvertiserQueryController {

  /** What the recommendations route takes, as its {@code @Operation} documents. */
  private static final Set<String> RECOMMENDATION_PARAMETERS = Set.of("model", "window", "n", "at", "placement");

  private final AdvertiserQueries queries;

  AdvertiserQueryController(AdvertiserQueries queries) {
    this.queries = queries;
  }

  @Get(uri = "/recommendations", produces = MediaType.APPLICATION_JSON)
  // The query values are declared here because the method reads them itself (see below).
  @Operation(summary = "Top products by views (top-products) or by smoothed CTR (top-ctr) in a rolling window, or the catalog by"
      + " predicted CTR in a placement (predicted-ctr: {advertiser_id, model, placement, model_version, items: [{product_id, score}]})",
      parameters = {
      @Parameter(name = "model", in = ParameterIn.QUERY,
          schema = @Schema(type = "string", defaultValue = "top-products", allowableValues = {"top-products", "top-ctr", "predicted-ctr"})),
      @Parameter(name = "placement", in = ParameterIn.QUERY, description = "with predicted-ctr (required): the placement",
          schema = @Schema(type = "string")),
      @Parameter(name = "window", in = ParameterIn.QUERY, schema = @Schema(type = "string", defaultValue = "1h")),
      @Parameter(name = "n", in = ParameterIn.QUERY,
          schema = @Schema(type = "integer", format = "int32", defaultValue = "10", minimum = "1", maximum = "" + AdvertiserQueries.MAX_N)),
      @Parameter(name = "at", in = ParameterIn.QUERY, description = "the window's end (ISO-8601 instant); default now",
          schema = @Schema(type = "string", format = "date-time"))
  })
  @ApiResponse(responseCode = "200", description = "Ranked items, best first, with the window covered")
  @ApiResponse(responseCode = "400", description = "A parameter is invalid; the problem names it")
  @ApiResponse(responseCode = "404", description = "The advertiser is neither registered nor has counted events")
  @ApiResponse(responseCode = "503", description = "State is not queryable yet; retry after Retry-After seconds")
  @OwnQueryParameters
  CompletableFuture<HttpResponse<Responses.Recommendations>> recommendations(HttpRequest<?> request, @PathVariable String adv) {
    // Read here rather than bound with @QueryValue: binding the four values was 9% of the event
    // loop under bidder load (BENCHMARKS.md).
    HttpParameters query = request.getParameters();
    KnownQueryParameters.requireKnown(request, RECOMMENDATION_PARAMETERS);
    return castAsync(queries.recommendations(request, adv, requireNonNullElse(query.get("model"), "top-products"),
        requireNonNullElse(query.get("window"), "1h"), AdvertiserQueries.whole("n", requireNonNullElse(query.get("n"), "10")),
        query.get("at"), query.get("placement")));
  }

  @Get(uri = "/users/{user}/recommendations", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "What this user should see next: products others viewed with the user's, then the most viewed",
      description = "From the user's recent views and clicks (item-to-item co-occurrence, Jaccard index of interactions, decayed); each item's"
          + " source is personal or popular, and because names the user's products that contributed most.")
  @ApiResponse(responseCode = "200", description = "Best first; an unknown user gets the advertiser's most viewed")
  CompletableFuture<HttpResponse<Responses.Personal>> personal(HttpRequest<?> request, @PathVariable String adv,
      @PathVariable String user, @QueryValue(defaultValue = "10") int n, @QueryValue(value = "exclude_seen", defaultValue = "true")
      boolean excludeSeen) {
    return castAsync(queries.personal(request, adv, user, n, excludeSeen));
  }

  @Get(uri = "/products/{product}/related", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Products users viewed or clicked together with this one, most similar first (Jaccard index of their interactions, decayed)")
  CompletableFuture<HttpResponse<Responses.Related>> related(HttpRequest<?> request, @PathVariable String adv,
      @PathVariable String product, @QueryValue(defaultValue = "10") int n) {
    return castAsync(queries.related(request, adv, product, n));
  }

  @ExecuteOn(TaskExecutors.BLOCKING)
  @Get(uri = "/stats", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Views, impressions, clicks and CTR per step over a window, of the advertiser or of one product")
  @ApiResponse(responseCode = "200", description = "One point per step, oldest first, empty steps included")
  HttpResponse<Responses.Stats> stats(
      HttpRequest<?> request,
      @PathVariable String adv,
      @Nullable @QueryValue String product,
      @QueryValue(defaultValue = "24h") String window,
      @Nullable @QueryValue String step,
      @Nullable @QueryValue String at) {
    return cast(queries.stats(request, adv, product, window, step, at));
  }

  @ExecuteOn(TaskExecutors.BLOCKING)
  @Get(uri = "/history", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Top products and top CTR of each of the last days (UTC), today last")
  @ApiResponse(responseCode = "200", description = "One entry per day")
  HttpResponse<Responses.History> history(
      HttpRequest<?> request,
      @PathVariable String adv,
      @QueryValue(defaultValue = "7") int days,
      @QueryValue(defaultValue = "10") int n) {
    return cast(queries.history(request, adv, days, n));
  }

  /**
   * The declared type documents the body in the OpenAPI spec; a forwarded answer carries the same
   * JSON as bytes from the owning instance.
   */
  @SuppressWarnings("unchecked")
  static <T> HttpResponse<T> cast(HttpResponse<?> response) {
    return (HttpResponse<T>) response;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> CompletableFuture<HttpResponse<T>> castAsync(CompletableFuture<HttpResponse<?>> response) {
    return (CompletableFuture) response;
  }
}
