package io.beacon.service.query;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Totals over every instance: what Beacon has counted and rejected. */
// Queries may wait on another instance (forwarding, retries): keep them off the event loop.
@ExecuteOn(TaskExecutors.BLOCKING)
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
