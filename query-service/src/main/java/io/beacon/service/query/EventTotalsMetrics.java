package io.beacon.service.query;

import io.beacon.streams.RejectReason;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.QueryResult;
import io.beacon.streams.query.Totals;
import io.beacon.streams.internals.DeadLetterHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.function.ToDoubleFunction;

/**
 * Exposes the exact totals kept in the {@code event-totals} store as gauges, so dashboards and
 * alerts see accepted and rejected events by reason: {@code beacon_events{outcome,reason}} (Prometheus drops
 * the {@code _total} of a gauge).
 * Read at scrape time from the local partitions; NaN while the store is not queryable.
 */
@Context
class EventTotalsMetrics {

  EventTotalsMetrics(BeaconQueries queries, MeterRegistry registry) {
    gauge(registry, queries, "accepted", "none", Totals::accepted);
    for (RejectReason reason : RejectReason.values()) {
      gauge(registry, queries, "rejected", reason.name(), totals -> totals.rejected().get(reason));
    }
    FunctionCounter.builder("beacon.events.dead.lettered", DeadLetterHandler.class, c -> DeadLetterHandler.deadLettered())
        .description("Unreadable records this process sent to the dead-letter topic since it started")
        .register(registry);
  }

  private static void gauge(MeterRegistry registry, BeaconQueries queries, String outcome, String reason, ToDoubleFunction<Totals> value) {
    Gauge.builder("beacon.events.total", queries, q -> q.localTotals() instanceof QueryResult.Found<Totals> found
            ? value.applyAsDouble(found.value()) : Double.NaN)
        .description("Events read from the events topic, by outcome and reject reason, on this instance's partitions")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }
}
