package io.beacon.service.ingest;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.EventRules;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Turns the fields of one incoming event, from JSON or from a pixel, into the {@link AdEvent}
 * written to Kafka, applying the same {@link EventRules} the topology applies to other producers.
 */
@Singleton
public final class EventParser {

  /** The event fields, named as in the Avro schema. */
  static final Set<String> FIELDS = Set.of(
      "event_id", "type", "event_time", "advertiser_id", "product_id", "user_id", "campaign_id", "placement", "context");
  /** Features in an event's context at most, and the longest name and value. */
  public static final int MAX_CONTEXT = 16;
  public static final int MAX_CONTEXT_NAME = 32;
  public static final int MAX_CONTEXT_VALUE = 128;

  /**
   * Minted ids come from a generator per thread seeded by SecureRandom: they must be unique, not
   * secret, and {@link UUID#randomUUID} takes a lock shared by every thread that mints one.
   */
  private static final ThreadLocal<SplittableRandom> ID_RANDOM =
      ThreadLocal.withInitial(() -> new SplittableRandom(new SecureRandom().nextLong()));

  private final BeaconConfig config;
  private final Clock clock;

  @Inject
  EventParser(BeaconConfig config) {
    this(config, Clock.systemUTC());
  }

  EventParser(BeaconConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * A backfilled event, which must carry its id and its time: the id is what makes loading the
   * same events again count nothing twice, and a backfill is about a time other than now.
   */
  AdEvent parseBackfill(FieldValues fields) {
    boolean missing = false;
    for (String required : List.of("event_id", "event_time")) {
      if (fields.raw(required) == null) {
        missing = true;
        fields.error(required, "is required in a backfill: " + (required.equals("event_id")
            ? "the id makes loading the same events again count nothing twice" : "a backfill is about a past time"));
      }
    }
    AdEvent event = parse(fields);
    return missing ? null : event;
  }

  /**
   * The event, or null when a field is wrong (each wrong field adds an error to {@code fields}).
   * A missing {@code event_id} is minted, a missing {@code event_time} is the collector's clock.
   */
  AdEvent parse(FieldValues fields) {
    Instant now = clock.instant();
    int errorsBefore = fields.errorCount();
    String eventId = fields.id("event_id", false);
    EventType type = fields.oneOf("type", EventType.class, "view, impression, click");
    Instant eventTime = eventTime(fields, now);
    String advertiserId = fields.id("advertiser_id", true);
    String productId = fields.id("product_id", true);
    String userId = fields.id("user_id", false);
    String campaignId = fields.id("campaign_id", false);
    String placement = fields.id("placement", false);
    Map<String, String> context = fields.strings("context", MAX_CONTEXT, MAX_CONTEXT_NAME, MAX_CONTEXT_VALUE);
    if (fields.errorCount() > errorsBefore) {
      return null;
    }
    return AdEvent.newBuilder()
        .setEventId(eventId != null ? eventId : mintedId())
        .setType(type)
        .setEventTime(eventTime)
        .setAdvertiserId(advertiserId)
        .setProductId(productId)
        .setUserId(userId)
        .setCampaignId(campaignId)
        .setPlacement(placement)
        .setContext(context)
        .build();
  }

  /** A random (version 4) UUID. */
  static String mintedId() {
    SplittableRandom random = ID_RANDOM.get();
    long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
    long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }

  /** ISO-8601 with an offset, or epoch milliseconds as a number or a string of digits. */
  private Instant eventTime(FieldValues fields, Instant now) {
    Object raw = fields.raw("event_time");
    if (raw == null) {
      return now;
    }
    Instant time;
    Long millis = null;
    try {
      if (raw instanceof Long number) {
        millis = number;
        time = Instant.ofEpochMilli(millis);
      } else if (raw instanceof String text && !text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
        millis = Long.parseLong(text);
        time = Instant.ofEpochMilli(millis);
      } else if (raw instanceof String text) {
        time = Instant.parse(text);
      } else {
        fields.error("event_time", "must be an ISO-8601 time or epoch milliseconds, was " + FieldValues.typeName(raw));
        return null;
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      fields.error("event_time", "must be an ISO-8601 time such as 2026-11-23T10:15:30Z or epoch milliseconds; was '"
          + FieldValues.abbreviate(raw.toString()) + "'");
      return null;
    } catch (DateTimeException | ArithmeticException e) {
      fields.error("event_time", "is out of range: " + FieldValues.abbreviate(raw.toString()));
      return null;
    }
    var problem = EventRules.timeProblem(time, now, config);
    if (problem.isPresent()) {
      Long number = millis;
      fields.error("event_time", number == null ? problem.get() : otherUnit(number, now).orElse(problem.get()));
      return null;
    }
    return time;
  }

  /**
   * For an epoch number that is no acceptable time in milliseconds: what it is when read as epoch
   * seconds, microseconds or nanoseconds, if that is an acceptable time, and what to send instead.
   */
  private Optional<String> otherUnit(long number, Instant now) {
    record Unit(String name, Instant time, String fix) {}
    List<Unit> units = List.of(
        // Milliseconds as seconds would be far past Instant's range: no such time is acceptable.
        new Unit("epoch seconds", Instant.ofEpochSecond(Math.min(number, Instant.MAX.getEpochSecond())), "multiply by 1000"),
        new Unit("epoch microseconds", Instant.ofEpochMilli(number / 1_000), "divide by 1000"),
        new Unit("epoch nanoseconds", Instant.ofEpochMilli(number / 1_000_000), "divide by 1000000"));
    return units.stream()
        .filter(unit -> EventRules.timeProblem(unit.time(), now, config).isEmpty())
        .findFirst()
        .map(unit -> "looks like " + unit.name() + " (" + unit.time() + "): event_time takes epoch milliseconds ("
            + unit.fix() + ") or ISO-8601 such as 2026-11-23T10:15:30Z; was " + number);
  }

}
