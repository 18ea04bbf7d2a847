package io.beacon.streams;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.Example;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.internals.AdEventTimestampExtractor;
import io.beacon.streams.internals.BoundedMemoryRocksDbConfig;
import io.beacon.streams.counting.CommitHook;
import io.beacon.streams.internals.CountsSerde;
import io.beacon.streams.internals.DecodeOnceSerde;
import io.beacon.streams.internals.DeadLetterHandler;
import io.beacon.streams.counting.EventCountingProcessor;
import io.beacon.streams.counting.TaskMemoryBudget;
import io.beacon.streams.internals.RequiredValueSerde;
import io.beacon.streams.predict.ClickAttribution;
import io.beacon.streams.predict.ModelTrainer;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Beacon's topology, a pure function of its configuration:
 *
 * <pre>
 * events ──► count-events ──► product-counts, advertiser-counts, counted-advertisers, event-totals
 *               │   (reads event-ids for dedup, the advertisers global table for status)
 *               ├──► events.rejected (header beacon.reason)
 *               └──► attribute-clicks ──► impressions-awaiting-clicks, impressions-by-user, clicked-impressions,
 *                        │                  attribution-progress
 *                        └──► predict-examples (one partition) ──► train-models ──► model-coordinates, model-progress
 *                                                                       └──► models
 * unreadable events ──► events.dlq (Kafka Streams' dead-letter queue, error in headers)
 * advertisers ──► advertisers (global table)    products ──► catalog (global table)
 * models ──► models (global table)    model-pins ──► model-pins (global table)
 * </pre>
 *
 * Examples go through one partition: one task learns them all, in one model.
 */
public final class BeaconTopology {

  static final String EVENTS_SOURCE = "events-source";
  static final String COUNT_PROCESSOR = "count-events";
  static final String REJECTED_SINK = "rejected-sink";
  public static final String ATTRIBUTE_PROCESSOR = "attribute-clicks";
  static final String TRAIN_PROCESSOR = "train-models";
  static final String EXAMPLES = "predict-examples";
  /** Decoded advertisers kept for the per-event status check, about 200 bytes each. */
  static final int MAX_DECODED_ADVERTISERS = 100_000;
  static final int STREAMS_PRODUCER_BATCH_BYTES = 256 * 1024;

  private BeaconTopology() {}

  public static Topology build(BeaconConfig config) {
    return build(config, ProcessingListener.NONE);
  }

  /** The topology, telling {@code listener} of every event counted or rejected. */
  public static Topology build(BeaconConfig config, ProcessingListener listener) {
    StreamsBuilder builder = new StreamsBuilder();
    BeaconTopics topics = config.topics();

    builder.globalTable(
        topics.advertisers(),
        // Kafka Streams gives a global table's store the serdes of its Consumed.
        Consumed.with(Serdes.String(), new DecodeOnceSerde<>(BeaconSerdes.advertiser(), MAX_DECODED_ADVERTISERS))
            .withName("advertisers-source"),
        // Read for every event. In memory and uncached: a RocksDB read behind Kafka Streams' record
        // cache was 5% of the stream thread (async-profiler, BENCHMARKS.md). The table is small
        // (about 200 bytes an advertiser) and its compacted topic is read again at every start.
        Materialized.<String, Advertiser>as(Stores.inMemoryKeyValueStore(StoreNames.ADVERTISERS)).withCachingDisabled());
    builder.globalTable(
        topics.products(),
        Consumed.with(Serdes.String(), BeaconSerdes.product()).withName("products-source"),
        Materialized.as(Stores.persistentKeyValueStore(StoreNames.CATALOG)));

    addStores(builder, config);
    // One budget for the tasks of the Kafka Streams instance that runs this topology.
    TaskMemoryBudget budget = new TaskMemoryBudget(TaskMemoryBudget.DEFAULT_HELD_COUNTS, config.dedupFilterBytes());

    KStream<String, AdEvent> counted = builder
        .stream(topics.events(), Consumed.with(Serdes.String(), new RequiredValueSerde<>(BeaconSerdes.adEvent()))
            .withTimestampExtractor(new AdEventTimestampExtractor(config.maxClockSkew()))
            .withName(EVENTS_SOURCE))
        .process(() -> new EventCountingProcessor(config, REJECTED_SINK, listener, budget), Named.as(COUNT_PROCESSOR),
            StoreNames.EVENT_IDS, StoreNames.PRODUCT_COUNTS, StoreNames.ADVERTISER_COUNTS,
            StoreNames.COUNT_COMMIT_HOOK, StoreNames.COUNTED_ADVERTISERS, StoreNames.EVENT_TOTALS, StoreNames.USER_HISTORIES,
            StoreNames.COOCCURRENCES);
    counted.to(topics.rejected(), Produced.with(Serdes.String(), BeaconSerdes.adEvent()).withName(REJECTED_SINK));
    counted
        .process(() -> new ClickAttribution(config.predict().attributionWindow(), listener), Named.as(ATTRIBUTE_PROCESSOR),
            StoreNames.IMPRESSIONS_AWAITING_CLICKS, StoreNames.IMPRESSIONS_BY_USER, StoreNames.CLICKED_IMPRESSIONS,
            StoreNames.ATTRIBUTION_PROGRESS)
        .repartition(Repartitioned.<String, Example>as(EXAMPLES).withNumberOfPartitions(1)
            .withKeySerde(Serdes.String()).withValueSerde(BeaconSerdes.example()))
        .process(() -> new ModelTrainer(config.predict(), config.ctrPriorImpressions(), listener), Named.as(TRAIN_PROCESSOR),
            StoreNames.MODEL_COORDINATES, StoreNames.MODEL_PROGRESS, StoreNames.TRAIN_COMMIT_HOOK)
        .to(topics.models(), Produced.with(Serdes.String(), BeaconSerdes.modelVersion()).withName("models-sink"));
    // Declared last: sub-topologies are numbered in the order they are declared, and a task's id
    // (its state directory) carries the number, so the counting tasks keep theirs.
    builder.globalTable(
        topics.models(),
        Consumed.with(Serdes.String(), BeaconSerdes.modelVersion()).withName("models-source"),
        Materialized.as(Stores.persistentKeyValueStore(StoreNames.MODELS)));
    builder.globalTable(
        topics.modelPins(),
        Consumed.with(Serdes.String(), BeaconSerdes.championPin()).withName("model-pins-source"),
        Materialized.as(Stores.persistentKeyValueStore(StoreNames.MODEL_PINS)));

    return builder.build();
  }

  private static void addStores(StreamsBuilder builder, BeaconConfig config) {
    CountsSerde counts = new CountsSerde();
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(StoreNames.EVENT_IDS, config.dedupRetention(), config.dedupWindow(), false),
        Serdes.String(), Serdes.Long()));
    // No record cache on the stores the processor writes: it holds their values itself and writes
    // them through the commit hook, which needs stores without one (CommitHook).
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.PRODUCT_COUNTS), Serdes.Bytes(), counts));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.ADVERTISER_COUNTS), Serdes.Bytes(), counts));
    builder.addStateStore(CommitHook.builder(StoreNames.COUNT_COMMIT_HOOK));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.COUNTED_ADVERTISERS), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.EVENT_TOTALS), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.USER_HISTORIES), Serdes.String(), Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.COOCCURRENCES), Serdes.String(), Serdes.ByteArray()));
    // Written as each impression or click is processed, without a record cache, so that they are
    // written before the ids of the events, which the counting processor writes at its flush.
    Duration attributionRetention = ClickAttribution.retention(config.predict().attributionWindow());
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(StoreNames.IMPRESSIONS_AWAITING_CLICKS, attributionRetention, Duration.ofMillis(1), true),
        Serdes.String(), BeaconSerdes.example()).withCachingDisabled());
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(StoreNames.IMPRESSIONS_BY_USER, attributionRetention, Duration.ofMillis(1), true),
        Serdes.String(), Serdes.String()).withCachingDisabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.CLICKED_IMPRESSIONS), Serdes.String(), Serdes.Long()).withCachingDisabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.ATTRIBUTION_PROGRESS), Serdes.String(), Serdes.Long()).withCachingDisabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.MODEL_COORDINATES), Serdes.Integer(), Serdes.ByteArray()).withCachingDisabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.MODEL_PROGRESS), Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
    builder.addStateStore(CommitHook.builder(StoreNames.TRAIN_COMMIT_HOOK));
  }

  /** The largest a model version can be: the baseline's impressions and clicks of every coordinate, and room for its figures. */
  public static int maxModelVersionBytes(PredictConfig predict) {
    return (2 << predict.featureBits()) * (Integer.BYTES + Float.BYTES) + 1024 * 1024;
  }

  /** Kafka Streams settings for this configuration; {@link BeaconConfig#kafka()} is passed through last. */
  public static Properties streamsProperties(BeaconConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    props.put(DeadLetterHandler.TOPIC_CONFIG, config.topics().dlq());
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
    props.put(BoundedMemoryRocksDbConfig.CACHE_BYTES_CONFIG, config.rocksDbCacheBytes());
    // Each task reads one partition of one topic, so there is nothing to wait for before processing
    // (idling orders records across a task's partitions). Disabled, Kafka Streams also skips the
    // log messages it formats on every check of a task whose queue ran empty: 10% of the stream
    // thread under pixel traffic (JFR, BENCHMARKS.md).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // Changelog records come in bursts at every write of the held counts. Each new batch sets up an
    // lz4 stream (64 KiB buffers) on the stream thread; at the default 16 KiB a batch held ~200
    // records and that set-up was 4.5% of the thread (JFR, BENCHMARKS.md).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), STREAMS_PRODUCER_BATCH_BYTES);
    // A model version holds up to two floats and a coordinate per coordinate of the feature space.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxModelVersionBytes(config.predict()));
    props.putAll(config.kafka());
    return props;
  }
}
