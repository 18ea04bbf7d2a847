package io.beacon.service.query;

import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.QueryResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beacon_advertiser_last_event_timestamp_seconds{advertiser_id}}: the event time of the
 * newest counted event of each ACTIVE advertiser this instance holds, so an alert can name an
 * advertiser whose events stopped. One series per advertiser: capped at
 * {@code beacon.metrics.max-advertiser-series} (the lowest ids are kept, and a warning says so).
 * Refreshed every 15 s by a thread of its own, stopped with the application.
 */
@Context
class AdvertiserActivityMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(AdvertiserActivityMetrics.class);

  private final BeaconQueries queries;
  private final MultiGauge lastEvent;
  private final int maxSeries;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "beacon-advertiser-metrics");
    thread.setDaemon(true);
    return thread;
  });
  private boolean warnedOfCap;

  AdvertiserActivityMetrics(BeaconQueries queries, MeterRegistry registry,
      @Value("${beacon.metrics.max-advertiser-series:1000}") int maxSeries) {
    this.queries = queries;
    this.maxSeries = maxSeries;
    this.lastEvent = MultiGauge.builder("beacon.advertiser.last.event.timestamp.seconds")
        .description("Event time of the newest counted event of an ACTIVE advertiser held by this instance")
        .register(registry);
    refresher.scheduleWithFixedDelay(this::refresh, 5, 15, TimeUnit.SECONDS);
  }

  private void refresh() {
    try {
      if (queries.latestEventOfActiveAdvertisers() instanceof QueryResult.Found<Map<String, Instant>> found) {
        publish(found.value());
      } // else not queryable now (starting, rebalancing): keep the last rows
    } catch (RuntimeException e) {
      LOG.warn("could not refresh beacon_advertiser_last_event_timestamp_seconds: {}", e.toString());
    }
  }

  private void publish(Map<String, Instant> latest) {
    if (latest.size() > maxSeries && !warnedOfCap) {
      LOG.warn("{} active advertisers on this instance; beacon_advertiser_last_event_timestamp_seconds covers the first {} "
          + "(raise beacon.metrics.max-advertiser-series to cover more)", latest.size(), maxSeries);
      warnedOfCap = true;
    }
    List<MultiGauge.Row<?>> rows = latest.entrySet().stream().limit(maxSeries)
        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("advertiser_id", e.getKey()), e.getValue().toEpochMilli() / 1000.0))
        .toList();
    lastEvent.register(rows, true);
  }

  @PreDestroy
  void stop() {
    refresher.shutdownNow();
  }
}
