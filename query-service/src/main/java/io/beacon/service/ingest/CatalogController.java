package io.beacon.service.ingest;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.EventRules;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Advertisers and the product catalog, written to their compacted topics: the last write of a key
 * wins, and the topology sees a status change from the next event on.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class CatalogController {

  static final int MAX_NAME = 256;
  static final int MAX_DESCRIPTION = 4096;
  static final int MAX_URL = 2048;

  @Serdeable(naming = SnakeCaseStrategy.class)
  record AdvertiserBody(String advertiserId, String name, String status, Instant updatedAt) {
    static AdvertiserBody of(Advertiser a) {
      return new AdvertiserBody(a.getAdvertiserId(), a.getName(), a.getStatus().name(), a.getUpdatedAt());
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record ProductBody(String productId, String advertiserId, String title, String description, String category,
      String brand, Double price, String url, String imageUrl, Instant updatedAt) {}

  private final JsonBodies json;
  private final KafkaWriter writer;
  private final BeaconTopics topics;
  private final BeaconQueries queries;
  private final Clock clock = Clock.systemUTC();

  CatalogController(JsonBodies json, KafkaWriter writer, BeaconTopics topics, BeaconQueries queries) {
    this.json = json;
    this.writer = writer;
    this.topics = topics;
    this.queries = queries;
  }

  @Operation(summary = "An advertiser as the topology sees it now",
      description = "From the advertisers table; a PUT shows here once the topology has read it, usually within a second.")
  @Get("/v1/advertisers/{adv}")
  AdvertiserBody getAdvertiser(@PathVariable String adv) {
    EventRules.idProblem(adv).ifPresent(reason -> {
      throw ProblemException.invalid("adv", reason);
    });
    return AdvertiserBody.of(QueryProblems.answer(queries.advertiser(adv)));
  }

  @Operation(summary = "Create or update an advertiser",
      description = "Body {\"name\", \"status\": ACTIVE|PAUSED|INACTIVE}. Events of INACTIVE and unknown advertisers are "
          + "not counted; PAUSED advertisers are counted but not recommended.")
  @Put("/v1/advertisers/{adv}")
  @Consumes(MediaType.APPLICATION_JSON)
  AdvertiserBody putAdvertiser(@PathVariable String adv, @Body byte[] body) {
    List<FieldError> errors = new ArrayList<>();
    pathId("adv", adv, errors);
    FieldValues fields = JsonBodies.object(json.parse(body), "", Set.of("name", "status"), errors);
    String name = fields.text("name", true, MAX_NAME);
    AdvertiserStatus status = fields.oneOf("status", AdvertiserStatus.class, "ACTIVE, PAUSED, INACTIVE");
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    Advertiser advertiser = Advertiser.newBuilder()
        .setAdvertiserId(adv).setName(name).setStatus(status).setUpdatedAt(clock.instant()).build();
    String topic = topics.advertisers();
    writer.write(List.of(new ProducerRecord<>(topic, adv, BeaconSerdes.advertiser().serialize(topic, advertiser))));
    return AdvertiserBody.of(advertiser);
  }

  @Operation(summary = "Create or update a catalog product",
      description = "Body {\"advertiser_id\", \"title\", and optional \"description\", \"category\", \"brand\", "
          + "\"price\", \"url\", \"image_url\"}.")
  @Put("/v1/products/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  ProductBody putProduct(@PathVariable String id, @Body byte[] body) {
    List<FieldError> errors = new ArrayList<>();
    pathId("id", id, errors);
    FieldValues fields = JsonBodies.object(json.parse(body), "",
        Set.of("advertiser_id", "title", "description", "category", "brand", "price", "url", "image_url"), errors);
    ProductBody product = new ProductBody(id,
        fields.id("advertiser_id", true),
        fields.text("title", true, MAX_NAME),
        fields.text("description", false, MAX_DESCRIPTION),
        fields.text("category", false, MAX_NAME),
        fields.text("brand", false, MAX_NAME),
        fields.number("price", 0, 1e12),
        fields.text("url", false, MAX_URL),
        fields.text("image_url", false, MAX_URL),
        clock.instant());
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    Product record = Product.newBuilder()
        .setProductId(id).setAdvertiserId(product.advertiserId()).setTitle(product.title())
        .setDescription(product.description()).setCategory(product.category()).setBrand(product.brand())
        .setPrice(product.price()).setUrl(product.url()).setImageUrl(product.imageUrl())
        .setUpdatedAt(product.updatedAt()).build();
    String topic = topics.products();
    writer.write(List.of(new ProducerRecord<>(topic, id, BeaconSerdes.product().serialize(topic, record))));
    return product;
  }

  private static void pathId(String name, String value, List<FieldError> errors) {
    EventRules.idProblem(value).ifPresent(reason -> errors.add(new FieldError(name, reason)));
  }
}
