package io.beacon.service.query;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

/** This instance's share of the totals, for the instance answering {@code GET /v1/stats}. */
@Controller
@Hidden
class InternalTotalsController {

  private final GlobalStats globalStats;

  InternalTotalsController(GlobalStats globalStats) {
    this.globalStats = globalStats;
  }

  @Get(uri = GlobalStats.INTERNAL_PATH, produces = MediaType.APPLICATION_JSON)
  Responses.LocalTotals totals() {
    return globalStats.local();
  }
}
