package io.beacon.service.query;

import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.QueryResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beacon_advertiser_last_event_timestamp_seconds{advertiser_id}}: the event time of the
 * newest counted event of each ACTIVE advertiser this instance holds, so an alert can name an
 * advertiser whose events stopped. One series per advertiser: capped at
 * {@code beacon.metrics.max-advertiser-series} (the lowest ids are kept, and a warning says so).
 */
@Singleton
class AdvertiserActivityMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(AdvertiserActivityMetrics.class);

  private final BeaconQueries queries;
  private final MultiGauge lastEvent;
  private final int maxSeries;
  private boolean warnedOfCap;

  AdvertiserActivityMetrics(BeaconQueries queries, MeterRegistry registry,
      @Value("${beacon.metrics.max-advertiser-series:1000}") int maxSeries) {
    this.queries = queries;
    this.maxSeries = maxSeries;
    this.lastEvent = MultiGauge.builder("beacon.advertiser.last.event.timestamp.seconds")
        .description("Event time of the newest counted event of an ACTIVE advertiser held by this instance")
        .register(registry);
  }

  @Scheduled(fixedDelay = "15s", initialDelay = "5s")
  void refresh() {
    if (!(queries.latestEventOfActiveAdvertisers() instanceof QueryResult.Found<Map<String, Instant>> found)) {
      return; // not queryable now (starting, rebalancing): keep the last rows
    }
    Map<String, Instant> latest = found.value();
    if (latest.size() > maxSeries && !warnedOfCap) {
      LOG.warn("{} active advertisers on this instance; beacon_advertiser_last_event_timestamp_seconds covers the first {} "
          + "(raise beacon.metrics.max-advertiser-series to cover more)", latest.size(), maxSeries);
      warnedOfCap = true;
    }
    List<MultiGauge.Row<?>> rows = latest.entrySet().stream().limit(maxSeries)
        .map(e -> MultiGauge.Row.of(Tags.of("advertiser_id", e.getKey()), e.getValue().toEpochMilli() / 1000.0))
        .<MultiGauge.Row<?>>map(row -> row)
        .toList();
    lastEvent.register(rows, true);
  }
}
