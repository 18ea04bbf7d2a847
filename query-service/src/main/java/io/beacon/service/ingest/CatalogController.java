package io.beacon.service.ingest;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.service.auth.CallerKey;
import io.beacon.service.catalog.CatalogReadiness;
import io.beacon.service.catalog.CatalogSearch;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.BeaconTopics;
import io.beacon.streams.EventRules;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.Directory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advertisers and the product catalog, written to their compacted topics: the last write of a key
 * wins, and the topology sees a status change from the next event on.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class CatalogController {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogController.class);
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
      String brand, Double price, String url, String imageUrl, Instant updatedAt) {
    static ProductBody of(Product p) {
      return new ProductBody(p.getProductId(), p.getAdvertiserId(), p.getTitle(), p.getDescription(), p.getCategory(),
          p.getBrand(), p.getPrice(), p.getUrl(), p.getImageUrl(), p.getUpdatedAt());
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record AdvertiserList(List<AdvertiserBody> advertisers) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record ProductList(List<ProductBody> products) {}

  /** The most items a search answers with. */
  static final int MAX_LIMIT = 100;
  static final int MAX_QUERY = 256;

  private final JsonBodies json;
  private final KafkaWriter writer;
  private final BeaconTopics topics;
  private final BeaconQueries queries;
  private final Directory directory;
  private final CatalogSearch search;
  private final CatalogReadiness catalogIndex;
  private final Clock clock = Clock.systemUTC();

  CatalogController(JsonBodies json, KafkaWriter writer, BeaconTopics topics, BeaconQueries queries, Directory directory,
      CatalogSearch search, CatalogReadiness catalogIndex) {
    this.directory = directory;
    this.search = search;
    this.catalogIndex = catalogIndex;
    this.json = json;
    this.writer = writer;
    this.topics = topics;
    this.queries = queries;
  }

  @Operation(summary = "Advertisers matching every word of q, by relevance",
      description = "Words match the advertiser's id exactly, or words of its name, tolerating a typo in longer words; "
          + "ties by id, and an empty q lists all by id. Only the advertisers the API key may read. From the catalog index.")
  @Get("/v1/advertisers")
  AdvertiserList searchAdvertisers(HttpRequest<?> request, @QueryValue(defaultValue = "") String q,
      @QueryValue(defaultValue = "20") int limit) {
    checkSearch(q, limit);
    catalogIndex.requireReady();
    List<String> ids = search.advertisers(q, CallerKey.readableAdvertisers(request), limit);
    return new AdvertiserList(QueryProblems.answer(directory.advertisers(ids)).stream().map(AdvertiserBody::of).toList());
  }

  @Operation(summary = "Catalog products matching every word of q, by relevance",
      description = "Words match the product's id exactly, or words of its title, brand, category or description "
          + "(stemmed in beacon.text.language), tolerating a typo in longer words; ties by id, and an empty q lists all by "
          + "id. Optionally of one advertiser; only advertisers the API key may read. From the catalog index.")
  @Get("/v1/products")
  ProductList searchProducts(HttpRequest<?> request, @QueryValue(defaultValue = "") String q,
      @Nullable @QueryValue String advertiser, @QueryValue(defaultValue = "20") int limit) {
    checkSearch(q, limit);
    if (advertiser != null) {
      EventRules.idProblem(advertiser).ifPresent(reason -> {
        throw ProblemException.invalid("advertiser", "advertiser id " + reason);
      });
    }
    catalogIndex.requireReady();
    List<String> ids = search.products(q, Optional.ofNullable(advertiser), CallerKey.readableAdvertisers(request), limit);
    return new ProductList(QueryProblems.answer(directory.products(ids)).stream().map(ProductBody::of).toList());
  }

  private static void checkSearch(String q, int limit) {
    if (q.length() > MAX_QUERY) {
      throw ProblemException.invalid("q", "must be at most " + MAX_QUERY + " characters; was " + q.length());
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT + "; was " + limit);
    }
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
    LOG.atInfo().addKeyValue("advertiser_id", adv).addKeyValue("status", status).log("advertiser {} is now {}", adv, status);
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
    LOG.atInfo().addKeyValue("advertiser_id", product.advertiserId()).addKeyValue("product_id", id).log("catalog product {} written", id);
    return product;
  }

  @Operation(summary = "Remove a catalog product",
      description = "Writes a tombstone to the products topic: the product leaves the catalog, similar products and search "
          + "within about a second. Its counted events stay.")
  @Delete("/v1/products/{id}")
  HttpResponse<?> deleteProduct(@PathVariable String id) {
    List<FieldError> errors = new ArrayList<>();
    pathId("id", id, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    writer.write(List.of(new ProducerRecord<String, byte[]>(topics.products(), id, null)));
    LOG.atInfo().addKeyValue("product_id", id).log("catalog product {} removed", id);
    return HttpResponse.noContent();
  }

  private static void pathId(String name, String value, List<FieldError> errors) {
    EventRules.idProblem(value).ifPresent(reason -> errors.add(new FieldError(name, reason)));
  }
}
