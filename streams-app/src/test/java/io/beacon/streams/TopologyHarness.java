package io.beacon.streams;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.ChampionPin;
import io.beacon.avro.EventType;
import io.beacon.avro.Example;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.predict.Attribution;
import io.beacon.streams.query.AdvertiserState;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.QueryResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around Beacon's topology, with typed topics and the query facade on its stores. */
final class TopologyHarness implements AutoCloseable {

  final BeaconConfig config;
  final TopologyTestDriver driver;
  final TestInputTopic<String, AdEvent> events;
  final TestInputTopic<String, byte[]> rawEvents;
  final TestInputTopic<String, Advertiser> advertisers;
  final TestInputTopic<String, Product> products;
  final TestOutputTopic<String, AdEvent> rejected;
  final TestOutputTopic<byte[], byte[]> dlq;
  final TestOutputTopic<String, Example> examples;
  final TestOutputTopic<String, ModelVersion> models;
  final TestInputTopic<String, ChampionPin> pins;
  final Instant now;
  final BeaconQueries queries;
  /** What the topology told its {@link ProcessingListener}: "counted adv ms" and "rejected adv REASON". */
  final List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** What click attribution did with each impression and click: "adv OUTCOME". */
  final List<String> attributed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int nextId;

  TopologyHarness(Path stateDir, Instant now) {
    this(stateDir, now, PersonalConfig.defaults());
  }

  TopologyHarness(Path stateDir, Instant now, PersonalConfig personal) {
    this(stateDir, now, c -> c.withPersonal(personal));
  }

  TopologyHarness(Path stateDir, Instant now, UnaryOperator<BeaconConfig> settings) {
    this.now = now;
    this.config = settings.apply(BeaconConfig.defaults("unused:9092").withStateDir(stateDir.toString()));
    Properties props = BeaconTopology.streamsProperties(config);
    // The driver runs one task; caching would only delay what the stores show.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    ProcessingListener listener = new ProcessingListener() {
      @Override
      public void counted(String advertiserId, long sinceAcceptedMs) {
        heard.add("counted " + advertiserId + " " + sinceAcceptedMs);
      }

      @Override
      public void rejected(String advertiserId, RejectReason reason) {
        heard.add("rejected " + advertiserId + " " + reason);
      }

      @Override
      public void attributed(String advertiserId, Attribution outcome) {
        attributed.add(advertiserId + " " + outcome);
      }
    };
    driver = new TopologyTestDriver(BeaconTopology.build(config, listener), props, now);
    BeaconTopics topics = config.topics();
    events = driver.createInputTopic(topics.events(), new StringSerializer(), BeaconSerdes.adEvent());
    rawEvents = driver.createInputTopic(topics.events(), new StringSerializer(), new ByteArraySerializer());
    advertisers = driver.createInputTopic(topics.advertisers(), new StringSerializer(), BeaconSerdes.advertiser());
    products = driver.createInputTopic(topics.products(), new StringSerializer(), BeaconSerdes.product());
    rejected = driver.createOutputTopic(topics.rejected(), Serdes.String().deserializer(), BeaconSerdes.adEvent());
    dlq = driver.createOutputTopic(topics.dlq(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    examples = driver.createOutputTopic(config.applicationId() + "-" + BeaconTopology.EXAMPLES + "-repartition",
        Serdes.String().deserializer(), BeaconSerdes.example());
    models = driver.createOutputTopic(topics.models(), Serdes.String().deserializer(), BeaconSerdes.modelVersion());
    pins = driver.createInputTopic(topics.modelPins(), new StringSerializer(), BeaconSerdes.championPin());
    queries = new BeaconQueries(new DriverStateSource(driver), config, Clock.fixed(now, ZoneOffset.UTC));
  }

  void advertiser(String id, AdvertiserStatus status) {
    advertisers.pipeInput(id, Advertiser.newBuilder().setAdvertiserId(id).setName("Advertiser " + id)
        .setStatus(status).setUpdatedAt(now).build());
  }

  void product(String id, String advertiser, String title, String category, String brand) {
    products.pipeInput(id, Product.newBuilder().setProductId(id).setAdvertiserId(advertiser).setTitle(title)
        .setCategory(category).setBrand(brand).setUpdatedAt(now).build());
  }

  AdvertiserState.Source stateSource() {
    return new DriverStateSource(driver);
  }

  AdEvent event(String advertiser, String product, EventType type, Instant time) {
    return AdEvent.newBuilder().setEventId("e-" + (++nextId)).setType(type).setEventTime(time)
        .setAdvertiserId(advertiser).setProductId(product).build();
  }

  /** Sends an event of a user, and gives it. */
  AdEvent send(String advertiser, String user, String product, EventType type, Instant time) {
    AdEvent event = AdEvent.newBuilder(event(advertiser, product, type, time)).setUserId(user).build();
    send(event);
    return event;
  }

  void send(AdEvent event) {
    events.pipeInput(event.getAdvertiserId(), event, event.getEventTime());
  }

  /** Sends the event as a backfill, as the collector's backfill route marks it. */
  void backfill(AdEvent event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventRules.BACKFILL_HEADER, new byte[] {1});
    events.pipeInput(new TestRecord<>(event.getAdvertiserId(), event, headers, event.getEventTime()));
  }

  /** Sends {@code count} events of one type for one product at one time. */
  void send(String advertiser, String product, EventType type, Instant time, int count) {
    for (int i = 0; i < count; i++) {
      send(event(advertiser, product, type, time));
    }
  }

  List<String> rejectedReasons() {
    return rejected.readRecordsToList().stream()
        .map(r -> new String(r.headers().lastHeader(RejectReason.HEADER).value()))
        .toList();
  }

  static <T> T found(QueryResult<T> result) {
    if (result instanceof QueryResult.Found<T> found) {
      return found.value();
    }
    throw new AssertionError("expected an answer, got " + result);
  }

  @Override
  public void close() {
    driver.close();
  }

  /** The driver's stores, as the query facade sees them on a single instance. */
  private record DriverStateSource(TopologyTestDriver driver) implements AdvertiserState.Source {
    @Override
    public QueryResult<AdvertiserState> forAdvertiser(String advertiserId) {
      return new QueryResult.Found<>(new AdvertiserState(
          driver.getKeyValueStore(StoreNames.PRODUCT_COUNTS),
          driver.getKeyValueStore(StoreNames.ADVERTISER_COUNTS),
          driver.getKeyValueStore(StoreNames.COUNTED_ADVERTISERS),
          driver.getKeyValueStore(StoreNames.EVENT_TOTALS),
          driver.getKeyValueStore(StoreNames.USER_HISTORIES),
          driver.getKeyValueStore(StoreNames.COOCCURRENCES)));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.ADVERTISERS));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, Product>> catalog() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.CATALOG));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, ModelVersion>> models() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.MODELS));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, ChampionPin>> modelPins() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.MODEL_PINS));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, Long>> localCountedAdvertisers() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.COUNTED_ADVERTISERS));
    }

    @Override
    public QueryResult<ReadOnlyKeyValueStore<String, Long>> localTotals() {
      return new QueryResult.Found<>(driver.getKeyValueStore(StoreNames.EVENT_TOTALS));
    }
  }
}
