package io.beacon.service.query;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Totals over everything this instance counts. */
@Controller("/v1/stats")
@Tag(name = "Queries")
class GlobalStatsController {

  private final GlobalStats globalStats;

  GlobalStatsController(GlobalStats globalStats) {
    this.globalStats = globalStats;
  }

  @Get(produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Events accepted and rejected by reason, active advertisers, instances, input lag")
  Responses.GlobalStats stats() {
    return globalStats.get();
  }
}
