package io.beacon.streams;

import io.beacon.avro.Advertiser;
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
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Beacon's topology, a pure function of its configuration:
 *
 * <pre>
 * events ──► count-events ──► product-counts, advertiser-counts, counted-advertisers, event-totals
 *               │   (reads event-ids for dedup, the advertisers global table for status)
 *               └──► events.rejected (header beacon.reason)
 * unreadable events ──► events.dlq (Kafka Streams' dead-letter queue, error in headers)
 * advertisers ──► advertisers (global table)    products ──► catalog (global table)
 * </pre>
 */
public final class BeaconTopology {

  static final String EVENTS_SOURCE = "events-source";
  static final String COUNT_PROCESSOR = "count-events";
  static final String REJECTED_SINK = "rejected-sink";
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

    builder
        .stream(topics.events(), Consumed.with(Serdes.String(), new RequiredValueSerde<>(BeaconSerdes.adEvent()))
            .withTimestampExtractor(new AdEventTimestampExtractor(config.maxClockSkew()))
            .withName(EVENTS_SOURCE))
        .process(() -> new EventCountingProcessor(config, REJECTED_SINK, listener, budget), Named.as(COUNT_PROCESSOR),
            StoreNames.EVENT_IDS, StoreNames.PRODUCT_COUNTS, StoreNames.ADVERTISER_COUNTS,
            StoreNames.COUNT_COMMIT_HOOK, StoreNames.COUNTED_ADVERTISERS, StoreNames.EVENT_TOTALS, StoreNames.USER_HISTORIES,
            StoreNames.COOCCURRENCES)
        .to(topics.rejected(), Produced.with(Serdes.String(), BeaconSerdes.adEvent()).withName(REJECTED_SINK));

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
    props.putAll(config.kafka());
    return props;
  }
}
