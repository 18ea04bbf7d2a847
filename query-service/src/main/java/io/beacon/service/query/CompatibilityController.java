package io.beacon.service.query;

import io.beacon.service.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.concurrent.CompletableFuture;

/**
 * The paths batch recommenders of this kind expose ({@code /recommendations/{adv}/TopProducts},
 * {@code /stats/}, {@code /history/{adv}/}), answering exactly what the v1 routes answer, so a
 * client can move over by changing only the host. Threads as in {@link AdvertiserQueryController}.
 */
@Controller
@Tag(name = "Batch-compatible")
class CompatibilityController {

  private final AdvertiserQueries queries;
  private final GlobalStats globalStats;

  CompatibilityController(AdvertiserQueries queries, GlobalStats globalStats) {
    this.queries = queries;
    this.globalStats = globalStats;
  }

  @Get(uri = "/recommendations/{adv}/{model}", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Same as /v1/advertisers/{adv}/recommendations; model is TopProducts or TopCTR")
  CompletableFuture<HttpResponse<Responses.Recommendations>> recommendations(
      HttpRequest<?> request,
      @PathVariable String adv,
      @PathVariable String model,
      @QueryValue(defaultValue = "1h") String window,
      @QueryValue(defaultValue = "10") int n,
      @Nullable @QueryValue String at) {
    String v1Model = switch (model) {
      case "TopProducts" -> "top-products";
      case "TopCTR" -> "top-ctr";
      default -> throw ProblemException.invalid("model", "must be TopProducts or TopCTR; was '" + model + "'");
    };
    return AdvertiserQueryController.castAsync(queries.recommendations(request, adv, v1Model, window, n, at));
  }

  @ExecuteOn(TaskExecutors.BLOCKING)
  @Get(uri = "/stats/", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Same as /v1/stats")
  Responses.GlobalStats stats() {
    return globalStats.get();
  }

  @ExecuteOn(TaskExecutors.BLOCKING)
  @Get(uri = "/history/{adv}/", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Same as /v1/advertisers/{adv}/history")
  HttpResponse<Responses.History> history(
      HttpRequest<?> request,
      @PathVariable String adv,
      @QueryValue(defaultValue = "7") int days,
      @QueryValue(defaultValue = "10") int n) {
    return AdvertiserQueryController.cast(queries.history(request, adv, days, n));
  }
}
