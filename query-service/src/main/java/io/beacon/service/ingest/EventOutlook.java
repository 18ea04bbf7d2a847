package io.beacon.service.ingest;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.Resolution;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.QueryResult;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the topology will do with events the collector accepts, as far as the collector can tell
 * before writing them: an advertiser that is not registered or is INACTIVE, an event time older
 * than live counting takes, or a backfilled one only coarser buckets still hold. Such events are
 * still written (nothing is lost: those not counted land on the rejected topic with their reason),
 * and the {@code 202} says so per event.
 */
@Singleton
final class EventOutlook {

  /** One event that will not count, and why. */
  @Serdeable
  record Warning(int index, String field, String reason) {}

  private final BeaconQueries queries;
  private final BeaconConfig config;

  EventOutlook(BeaconQueries queries, BeaconConfig config) {
    this.queries = queries;
    this.config = config;
  }

  /** The warnings for live {@code events}, by index; empty when every one will count, as far as can be told. */
  List<Warning> warnings(List<AdEvent> events) {
    Instant lateBefore = Instant.now().minus(config.grace());
    return warnings(events, time -> time.isBefore(lateBefore)
        ? "is more than the grace period (beacon.grace, " + config.grace() + ") before now: live counting rejects it LATE"
            + " once its partition's stream time is that far past it; load past events with POST /v1/backfill"
        : "");
  }

  /**
   * The warnings for backfilled {@code events}: advertisers as for live ones, and the events that
   * only coarser buckets still hold.
   */
  List<Warning> backfillWarnings(List<AdEvent> events) {
    long now = Instant.now().toEpochMilli();
    return warnings(events, time -> {
      long t = time.toEpochMilli();
      if (Resolution.MINUTE.bucketStart(t) >= Resolution.MINUTE.oldestKept(now)) {
        return "";
      }
      return Resolution.HOUR.bucketStart(t) >= Resolution.HOUR.oldestKept(now)
          ? "is counted in hour and day buckets only: minute buckets are kept 2 days"
          : "is counted in day buckets only: minute and hour buckets are kept 2 and 8 days";
    });
  }

  private List<Warning> warnings(List<AdEvent> events, Function<Instant, String> timeProblem) {
    List<Warning> warnings = new ArrayList<>(0);
    Map<String, String> advertiserProblems = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      AdEvent event = events.get(i);
      String problem = advertiserProblems.computeIfAbsent(event.getAdvertiserId(), this::advertiserProblem);
      if (!problem.isEmpty()) {
        warnings.add(new Warning(i, "advertiser_id", problem));
      }
      String late = timeProblem.apply(event.getEventTime());
      if (!late.isEmpty()) {
        warnings.add(new Warning(i, "event_time", late));
      }
    }
    return warnings;
  }

  /** Why the advertiser's events will not count, or "" when they will or the table cannot tell yet. */
  private String advertiserProblem(String advertiserId) {
    QueryResult<Advertiser> advertiser = queries.advertiser(advertiserId);
    if (advertiser instanceof QueryResult.NotFound<Advertiser>) {
      return "advertiser " + advertiserId + " is not registered: its events are rejected UNKNOWN_ADVERTISER"
          + " (register it first: PUT /v1/advertisers/" + advertiserId + ")";
    }
    if (advertiser instanceof QueryResult.Found<Advertiser> found && found.value().getStatus() == AdvertiserStatus.INACTIVE) {
      return "advertiser " + advertiserId + " is INACTIVE: its events are rejected INACTIVE_ADVERTISER";
    }
    return "";
  }
}
