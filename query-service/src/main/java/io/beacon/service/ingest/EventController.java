package io.beacon.service.ingest;

import io.beacon.avro.AdEvent;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.service.auth.CallerKey;
import io.beacon.service.http.OwnQueryParameters;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.streams.BeaconTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpMethod;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import io.beacon.streams.EventRules;
import io.beacon.streams.ProcessingListener;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The event collector: batches of JSON events from servers, and a tracking pixel for browsers.
 * A request is checked whole before anything is written: any bad event rejects the batch with
 * every error listed, and nothing reaches Kafka.
 */
@Controller
class EventController {

  /** Most events in one {@code POST /v1/events}. */
  static final int MAX_BATCH = 1000;

  /** The value of the backfill header: its presence is what counts. */
  private static final byte[] BACKFILL_MARK = {1};

  /** A transparent 1×1 GIF. */
  static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

  /** Pixel query parameters and the event fields they fill. {@code cb} (a cache-buster) is ignored. */
  static final Map<String, String> PIXEL_PARAMETERS = Map.of(
      "adv", "advertiser_id", "prod", "product_id", "type", "type", "uid", "user_id",
      "eid", "event_id", "ts", "event_time", "cid", "campaign_id", "pl", "placement");
  private static final Map<String, String> PIXEL_PARAMETER_OF_FIELD = PIXEL_PARAMETERS.entrySet().stream()
      .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
  /** A pixel's context features: {@code ctx.device=mobile} is {@code "context": {"device": "mobile"}}. */
  static final String CONTEXT_PREFIX = "ctx.";

  /** {@code warnings}: events written that will not count, by index and why; absent when there are none. */
  @Serdeable(naming = SnakeCaseStrategy.class)
  record Accepted(int accepted, List<String> eventIds, @Nullable List<EventOutlook.Warning> warnings) {}

  private final JsonBodies json;
  private final EventParser parser;
  private final EventOutlook outlook;
  private final KafkaWriter writer;
  private final String topic;
  private final MeterRegistry metrics;

  EventController(JsonBodies json, EventParser parser, EventOutlook outlook, KafkaWriter writer, BeaconTopics topics,
      MeterRegistry metrics) {
    this.json = json;
    this.outlook = outlook;
    this.parser = parser;
    this.writer = writer;
    this.topic = topics.events();
    this.metrics = metrics;
  }

  @Operation(summary = "Send up to 1000 events, all or none",
      description = "A JSON array of events named as in the Avro schema. 202 once Kafka has every event, with a warning"
          + " per event that will not count (advertiser not registered or INACTIVE, too old for live counting); "
          + "400 with every field error, and nothing written, when any event is wrong.")
  @Post("/v1/events")
  @Consumes(MediaType.APPLICATION_JSON)
  @Status(HttpStatus.ACCEPTED)
  @ExecuteOn(TaskExecutors.BLOCKING) // a batch takes up to a millisecond to parse: off the event loop
  CompletableFuture<Accepted> events(@Body byte[] body, HttpRequest<?> request) {
    return accept("batch", body, request, false);
  }

  @Operation(summary = "Load up to 1000 past events, all or none",
      description = "As POST /v1/events, for events of the past: each needs its event_id and event_time, and is counted"
          + " into every bucket still kept for its time (minutes 2 days, hours 8 days, days 35 days), once, however often it"
          + " is loaded and whether or not it was counted live. 202 with a warning per event that will not count, or only"
          + " in coarser buckets.")
  @Post("/v1/backfill")
  @Consumes(MediaType.APPLICATION_JSON)
  @Status(HttpStatus.ACCEPTED)
  @ExecuteOn(TaskExecutors.BLOCKING)
  CompletableFuture<Accepted> backfill(@Body byte[] body, HttpRequest<?> request) {
    return accept("backfill", body, request, true);
  }

  /** Parses a batch, all or none, and writes it; {@code source} names it in the metrics. */
  private CompletableFuture<Accepted> accept(String source, byte[] body, HttpRequest<?> request, boolean backfill) {
    JsonNode batch = json.parse(body);
    if (!batch.isArray()) {
      throw rejected(source, 0, ProblemException.invalid("body", "must be a JSON array of events, was " + JsonBodies.kind(batch)));
    }
    if (batch.size() == 0 || batch.size() > MAX_BATCH) {
      throw rejected(source, batch.size(), ProblemException.invalid("body",
          "must hold 1 to " + MAX_BATCH + " events, held " + batch.size()));
    }
    List<FieldError> errors = new ArrayList<>();
    List<AdEvent> events = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      FieldValues fields = JsonBodies.object(batch.get(i), "[" + i + "]", EventParser.FIELDS, errors);
      events.add(backfill ? parser.parseBackfill(fields) : parser.parse(fields));
    }
    if (!errors.isEmpty()) {
      throw rejected(source, events.size(), ProblemException.invalid(errors));
    }
    events.stream().map(AdEvent::getAdvertiserId).distinct().forEach(adv -> CallerKey.requireWriteFor(request, adv));
    List<EventOutlook.Warning> warnings = backfill ? outlook.backfillWarnings(events) : outlook.warnings(events);
    return write(source, events, backfill, writer::writeAsync).thenApply(written -> new Accepted(events.size(),
        events.stream().map(AdEvent::getEventId).toList(), warnings.isEmpty() ? null : warnings));
  }

  @Operation(summary = "Tracking pixel: one event from query parameters",
      description = "adv, prod, type (view by default), uid, eid, ts (ISO-8601 or epoch ms), cid, pl, and ctx.NAME for up to 16"
          + " context features; cb is ignored. "
          + "Answers a 1×1 GIF that is never cached.")
  @OwnQueryParameters // refuses unknown ones itself, and ignores cb
  @Get("/px") // on the event loop: it only parses, and writes without waiting (KafkaWriter.writeAsyncFromEventLoop)
  CompletableFuture<HttpResponse<byte[]>> pixel(HttpRequest<?> request) {
    if (request.getMethod() == HttpMethod.HEAD) {
      return CompletableFuture.completedFuture(gif()); // link checkers and prefetchers: no event
    }
    List<FieldError> errors = new ArrayList<>();
    Map<String, Object> values = new HashMap<>();
    values.put("type", "view");
    Map<String, Object> context = new LinkedHashMap<>();
    // The map itself: names() and getAll() copied it into new collections on every pixel.
    for (Map.Entry<String, List<String>> parameter : request.getParameters().asMap().entrySet()) {
      String name = parameter.getKey();
      List<String> given = parameter.getValue();
      String field = PIXEL_PARAMETERS.get(name);
      if (name.equals("cb")) {
        continue;
      } else if (name.startsWith(CONTEXT_PREFIX) && given.size() == 1) {
        context.put(name.substring(CONTEXT_PREFIX.length()), given.get(0));
      } else if (field == null && !name.startsWith(CONTEXT_PREFIX)) {
        errors.add(new FieldError(name, "is not a known parameter; known parameters are " + new TreeSet<>(PIXEL_PARAMETERS.keySet()) + " and cb"));
      } else if (given.size() != 1) {
        errors.add(new FieldError(name, "is given " + given.size() + " times; give it once"));
      } else {
        values.put(field, given.get(0));
      }
    }
    if (!context.isEmpty()) {
      values.put("context", context);
    }
    AdEvent event = parser.parse(new FieldValues(values, EventController::pixelParameter, errors));
    if (!errors.isEmpty()) {
      throw rejected("pixel", 1, ProblemException.invalid(errors));
    }
    CallerKey.requireWriteFor(request, event.getAdvertiserId());
    return write("pixel", List.of(event), false, writer::writeAsyncFromEventLoop).thenApply(written -> gif());
  }

  /** The pixel parameter that gave an event field: {@code context.device} came from {@code ctx.device}. */
  private static String pixelParameter(String field) {
    return field.startsWith("context.") ? CONTEXT_PREFIX + field.substring("context.".length()) : PIXEL_PARAMETER_OF_FIELD.get(field);
  }

  private static HttpResponse<byte[]> gif() {
    return HttpResponse.ok(PIXEL)
        .contentType(MediaType.IMAGE_GIF_TYPE)
        .header("Cache-Control", "no-store, max-age=0");
  }

  /**
   * Writes the events with {@code send}; the answer completes once Kafka has them all. No thread
   * waits for the acknowledgements: 64 threads parked on them, and waking each, cost more than the
   * rest of a pixel (BENCHMARKS.md).
   */
  private CompletableFuture<Void> write(String source, List<AdEvent> events, boolean backfill,
      Function<List<ProducerRecord<String, byte[]>>, CompletableFuture<Void>> send) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
    byte[] acceptedAt = ProcessingListener.acceptedAt(System.currentTimeMillis());
    for (AdEvent event : events) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topic, event.getAdvertiserId(), BeaconSerdes.adEvent().serialize(topic, event));
      record.headers().add(ProcessingListener.ACCEPTED_AT_HEADER, acceptedAt);
      if (backfill) {
        record.headers().add(EventRules.BACKFILL_HEADER, BACKFILL_MARK);
      }
      records.add(record);
    }
    return send.apply(records).whenComplete((written, failure) ->
        count(source, failure == null ? "written" : "failed", events.size()));
  }

  private ProblemException rejected(String source, int events, ProblemException problem) {
    count(source, "invalid", Math.max(events, 1));
    return problem;
  }

  private void count(String source, String outcome, int events) {
    metrics.counter("beacon.collector.events", "source", source, "outcome", outcome).increment(events);
  }
}
