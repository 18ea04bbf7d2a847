package io.beacon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

  private static final String SCRAPE = """
      # HELP beacon_freshness_seconds Time from the collector accepting an event to its count being queryable
      # TYPE beacon_freshness_seconds histogram
      beacon_freshness_seconds_bucket{le="0.005"} 0
      beacon_freshness_seconds_bucket{le="0.05"} 90
      beacon_freshness_seconds_bucket{le="0.1"} 99
      beacon_freshness_seconds_bucket{le="+Inf"} 100
      beacon_freshness_seconds_count 100
      beacon_collector_events_total{outcome="written",source="batch"} 1200.0
      beacon_collector_events_total{outcome="failed",source="batch"} 3.0
      kafka_stream_state_block_cache_usage{rocksdb_state_id="product-counts",task_id="0_1",thread_id="a \\"b\\", c"} 2.5E7
      kafka_stream_state_block_cache_usage{rocksdb_state_id="event-ids",task_id="0_1",thread_id="x"} 2.4E7
      """;

  @Test
  void shouldReadSamplesByNameAndLabels() {
    PrometheusMetrics metrics = PrometheusMetrics.parse(SCRAPE);
    assertEquals(1200, metrics.sum("beacon_collector_events_total", Map.of("outcome", "written")));
    assertEquals(1203, metrics.sum("beacon_collector_events_total", Map.of()));
    assertEquals(2.5e7, metrics.max("kafka_stream_state_block_cache_usage").orElseThrow());
    assertEquals(1, metrics.named("kafka_stream_state_block_cache_usage", Map.of("thread_id", "a \\\"b\\\", c")).size());
    assertTrue(metrics.max("no_such_metric").isEmpty());
  }

  @Test
  void shouldBoundAQuantileByItsHistogramBucket() {
    PrometheusMetrics metrics = PrometheusMetrics.parse(SCRAPE);
    assertEquals(0.05, metrics.quantileBound("beacon_freshness_seconds", 0.5).orElseThrow());
    assertEquals(0.1, metrics.quantileBound("beacon_freshness_seconds", 0.99).orElseThrow());
    assertEquals(Double.POSITIVE_INFINITY, metrics.quantileBound("beacon_freshness_seconds", 0.999).orElseThrow());
  }

  @Test
  void shouldSubtractAnEarlierScrape() {
    PrometheusMetrics earlier = PrometheusMetrics.parse("""
        beacon_collector_events_total{outcome="written",source="batch"} 200.0
        beacon_freshness_seconds_bucket{le="0.05"} 90
        beacon_freshness_seconds_bucket{le="+Inf"} 90
        """);
    PrometheusMetrics since = PrometheusMetrics.parse(SCRAPE).since(earlier);
    assertEquals(1000, since.sum("beacon_collector_events_total", Map.of("outcome", "written")));
    assertEquals(0.1, since.quantileBound("beacon_freshness_seconds", 0.5).orElseThrow());
  }
}
