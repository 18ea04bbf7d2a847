package io.beacon.streams;

import io.beacon.avro.AdEvent;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * What makes an event countable, whoever sent it: the HTTP collector checks it before writing to
 * Kafka, and the topology checks it again for records that other producers wrote.
 */
public final class EventRules {

  /**
   * The header that marks an event as backfilled: loaded after the fact (from logs, after an
   * outage, or history for a new advertiser) rather than sent live. It is counted into every bucket
   * still kept for its time instead of only while within the grace period.
   */
  public static final String BACKFILL_HEADER = "beacon.backfill";

  /** Longest id, in characters, for every id field. */
  public static final int MAX_ID_LENGTH = 128;

  private EventRules() {}

  /** Why {@code value} is not a valid id, or empty if it is. */
  public static Optional<String> idProblem(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (value.length() > MAX_ID_LENGTH) {
      return Optional.of("must be at most " + MAX_ID_LENGTH + " characters, was " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return Optional.of("must not contain control characters (found one at position " + i + ")");
      }
    }
    return Optional.empty();
  }

  /** Why an event time is not acceptable, or empty if it is. */
  public static Optional<String> timeProblem(Instant eventTime, Instant now, BeaconConfig config) {
    if (eventTime.isAfter(now.plus(config.maxClockSkew()))) {
      return Optional.of("is in the future (more than " + config.maxClockSkew() + " after " + now + ")");
    }
    if (eventTime.toEpochMilli() < now.toEpochMilli() - Resolution.longestRetentionMs()) {
      return Optional.of("is older than " + Resolution.longestRetentionMs() / 86_400_000L
          + " days, the longest time counts are kept");
    }
    return Optional.empty();
  }

  /** Whether the record was sent as a backfill ({@link #BACKFILL_HEADER}). */
  public static boolean isBackfill(Headers headers) {
    return headers.lastHeader(BACKFILL_HEADER) != null;
  }

  /** The first problem with an event read from Kafka as "field: reason", or empty if it is valid. */
  public static Optional<String> problem(String key, AdEvent event, Instant now, BeaconConfig config) {
    Optional<String> problem = field("event_id", idProblem(event.getEventId()))
        .or(() -> field("advertiser_id", idProblem(event.getAdvertiserId())))
        .or(() -> field("product_id", idProblem(event.getProductId())))
        .or(() -> optionalField("user_id", event.getUserId()))
        .or(() -> optionalField("campaign_id", event.getCampaignId()))
        .or(() -> optionalField("placement", event.getPlacement()))
        .or(() -> field("event_time", timeProblem(event.getEventTime(), now, config)));
    if (problem.isEmpty() && !event.getAdvertiserId().equals(key)) {
      // Counts live on the partition of the key; another key would count on the wrong instance.
      return Optional.of("key: must equal advertiser_id '" + event.getAdvertiserId() + "', was '" + key + "'");
    }
    return problem;
  }

  private static Optional<String> optionalField(String name, String value) {
    return value == null ? Optional.empty() : field(name, idProblem(value));
  }

  private static Optional<String> field(String name, Optional<String> reason) {
    return reason.map(r -> name + ": " + r);
  }
}
