package io.beacon.service.streams;

import io.beacon.streams.ProcessingListener;
import io.beacon.streams.RejectReason;
import io.beacon.streams.predict.Attribution;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rates and freshness of the topology's work on this instance, for dashboards and alerts:
 * <ul>
 *   <li>{@code beacon_events_processed_total{outcome,reason}}: events counted or rejected by reason
 *       since the process started (a counter, so {@code rate()} applies; a crash replays the
 *       uncommitted part, which is counted again here but never in the exact totals);
 *   <li>{@code beacon_freshness_seconds}: from the collector accepting an event to its count being
 *       queryable, as a histogram;
 *   <li>{@code beacon_dedup_store_reads_total}: dedup checks that read the dedup store because a
 *       Bloom filter could not rule the id out, against the processed events a sign of filters at
 *       their bound;
 *   <li>{@code beacon_predict_attribution_total{outcome}}: impressions and clicks by what click
 *       attribution did with them, among them impressions without a user (which teach nothing) and
 *       clicks that found no impression;
 *   <li>{@code beacon_predict_examples_total{label}}: examples the click-prediction models learned.
 * </ul>
 */
@Singleton
final class ProcessingMetrics implements ProcessingListener {

  private static final Duration[] FRESHNESS_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final Counter counted;
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Timer freshness;
  private final Counter dedupStoreReads;
  private final Counter dedupChecksWithoutFilter;
  private final Map<Attribution, Counter> attributed = new EnumMap<>(Attribution.class);
  private final Counter clickedExamples;
  private final Counter notClickedExamples;

  ProcessingMetrics(MeterRegistry registry) {
    counted = processed(registry, "counted", "none");
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, processed(registry, "rejected", reason.name()));
    }
    freshness = Timer.builder("beacon.freshness")
        .description("Time from the collector accepting an event to its count being queryable")
        .serviceLevelObjectives(FRESHNESS_BUCKETS)
        .register(registry);
    dedupStoreReads = Counter.builder("beacon.dedup.store.reads")
        .description("Dedup checks that read the dedup store: the id was a duplicate, a false positive of its"
            + " bucket's Bloom filter, or past the filters' bound (beacon.dedup-filter-bytes)")
        .register(registry);
    dedupChecksWithoutFilter = Counter.builder("beacon.dedup.unfiltered.checks")
        .description("Dedup checks of a bucket without a complete Bloom filter, which read the dedup store: the filter"
            + " was dropped for room, or its stored ids did not match the bucket's recorded count when the task started")
        .register(registry);
    for (Attribution outcome : Attribution.values()) {
      attributed.put(outcome, Counter.builder("beacon.predict.attribution")
          .description("Counted impressions and clicks by what click attribution did with them")
          .tag("outcome", outcome.label())
          .register(registry));
    }
    clickedExamples = examples(registry, "click");
    notClickedExamples = examples(registry, "no_click");
  }

  private static Counter examples(MeterRegistry registry, String label) {
    return Counter.builder("beacon.predict.examples")
        .description("Labelled impressions the click-prediction models learned, since the process started")
        .tag("label", label)
        .register(registry);
  }

  private static Counter processed(MeterRegistry registry, String outcome, String reason) {
    return Counter.builder("beacon.events.processed")
        .description("Events the topology counted or rejected on this instance since the process started")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  @Override
  public void counted(String advertiserId, long sinceAcceptedMs) {
    counted.increment();
    if (sinceAcceptedMs >= 0) {
      freshness.record(sinceAcceptedMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void rejected(String advertiserId, RejectReason reason) {
    rejected.get(reason).increment();
  }

  @Override
  public void attributed(String advertiserId, Attribution outcome) {
    attributed.get(outcome).increment();
  }

  @Override
  public void trained(int examples, int clicked) {
    clickedExamples.increment(clicked);
    notClickedExamples.increment(examples - clicked);
  }

  @Override
  public void dedupStoreRead() {
    dedupStoreReads.increment();
  }

  @Override
  public void dedupCheckWithoutFilter() {
    dedupChecksWithoutFilter.increment();
  }
}
