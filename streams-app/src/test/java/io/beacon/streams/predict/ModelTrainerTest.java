package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.Example;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.avro.serde.BeaconSerdes;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.BeaconTopology;
import io.beacon.streams.PredictConfig;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.StoreNames;
import io.beacon.streams.counting.CommitHook;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on persistent stores with the production RocksDB configuration, where a test does
 * what Kafka Streams does to its task: flush before a commit, and initialise again after a crash
 * that rolled back what was not committed.
 */
class ModelTrainerTest {

  @TempDir Path stateDir;
  private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private final PredictConfig settings = PredictConfig.defaults();
  private MockProcessorContext<String, ModelVersion> context;
  private CommitHook commitHook;
  private ModelTrainer trainer;
  private int nextId;

  @BeforeEach
  void setUp() {
    BeaconConfig config = BeaconConfig.defaults("unused:9092").withStateDir(stateDir.toString());
    context = new MockProcessorContext<>(BeaconTopology.streamsProperties(config), new TaskId(3, 0), stateDir.toFile());
    add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.MODEL_COORDINATES), Serdes.Integer(), Serdes.ByteArray())
        .withLoggingDisabled().build());
    add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.MODEL_PROGRESS), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build());
    add(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.CATALOG), Serdes.String(), BeaconSerdes.product())
        .withLoggingDisabled().<Product>build());
    add(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.MODELS), Serdes.String(),
        BeaconSerdes.modelVersion()).withLoggingDisabled().build());
    add(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.MODEL_PINS), Serdes.String(),
        BeaconSerdes.championPin()).withLoggingDisabled().<ChampionPin>build());
    commitHook = add(CommitHook.builder(StoreNames.TRAIN_COMMIT_HOOK).build());
    start();
  }

  private <S extends StateStore> S add(S store) {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private void start() {
    start(settings);
  }

  private void start(PredictConfig with) {
    trainer = new ModelTrainer(with, 100, ProcessingListener.NONE);
    trainer.init(context);
  }

  private void learn(int examples, boolean clicked) {
    for (int k = 0; k < examples; k++) {
      Example example = Example.newBuilder().setAdvertiserId("adv-1").setProductId("p1").setUserId("u" + nextId)
          .setImpressionId("i" + nextId++).setImpressionTime(now).setPlacement("top").setClicked(clicked).build();
      trainer.process(new Record<>("adv-1", example, now.toEpochMilli()));
    }
  }

  /** Publishes a version as the wall-clock punctuation does, and gives what it sent of FTRL. */
  private ModelVersion publish() {
    context.resetForwards();
    List<MockProcessorContext.CapturedPunctuator> punctuators = context.scheduledPunctuators();
    punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(now.toEpochMilli()); // the latest init's
    List<ModelVersion> sent = context.forwarded().stream().map(f -> (ModelVersion) f.record().value())
        .filter(v -> v.getModel().equals(ModelVersions.FTRL)).toList();
    return sent.isEmpty() ? null : sent.get(0);
  }

  @Test
  void shouldLearnOnFromWhatWasCommittedWhenTheTaskStartsAgainAfterACrash() {
    learn(50, true);
    commitHook.flushCache(); // committed
    learn(30, false); // rolled back by the crash: never written
    trainer.close();
    context.resetForwards();
    start();

    learn(10, true);
    ModelVersion version = publish();
    assertEquals(60, version.getMetrics().getExamples(), "the 30 uncommitted examples were not kept");
    assertEquals(60, version.getMetrics().getClicks());
    assertTrue(version.getMetrics().getLogLossSum() / 60 < Math.log(2) / 2,
        "the model went on from the 50 clicks it had learned, predicting clicks well");
  }

  @Test
  void shouldRefuseToStartWithOtherFeatureBitsThanTheModelsLearnedWith() {
    learn(5, true);
    commitHook.flushCache();
    trainer.close();
    PredictConfig other = new PredictConfig(true, settings.attributionWindow(), settings.featureBits() + 1, settings.alpha(),
        settings.beta(), settings.l1(), settings.l2(), settings.publishInterval(), settings.selectionExamples(), settings.threshold(),
        settings.versionsKept());
    IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> start(other));
    assertTrue(refused.getMessage().contains("beacon.predict.feature-bits 20, not 21"), refused.getMessage());
  }

  @Test
  void shouldWriteNothingAtACommitBeforeItsFirstExample() {
    commitHook.flushCache(); // a commit right after the task started: no record context to write with
    KeyValueStore<Integer, byte[]> coordinates = context.getStateStore(StoreNames.MODEL_COORDINATES);
    KeyValueStore<String, byte[]> progress = context.getStateStore(StoreNames.MODEL_PROGRESS);
    assertEquals(0, coordinates.approximateNumEntries() + progress.approximateNumEntries());
    learn(1, true);
    commitHook.flushCache();
    assertTrue(coordinates.approximateNumEntries() > 0 && progress.get(ModelTrainer.metricsKey(ModelVersions.FTRL)) != null);
  }

  @Test
  void shouldNumberVersionsOnFromTheStoredOneAfterARestart() {
    learn(5, true);
    assertEquals(1, publish().getVersion());
    commitHook.flushCache();
    trainer.close();
    start();
    learn(5, true);
    assertEquals(2, publish().getVersion());
    assertEquals(null, publish(), "nothing new learned");
  }

  @Test
  void shouldKeepAPinnedVersionsWeightsWhenItsTurnToRetireComes() {
    TimestampedKeyValueStore<String, ModelVersion> models = context.getStateStore(StoreNames.MODELS);
    for (int v = 1; v <= settings.versionsKept() + 1; v++) {
      learn(1, true);
      ModelVersion published = publish(); // and what every instance reads back, as the global table does
      models.put(ModelVersions.key(ModelVersions.FTRL, v), ValueAndTimestamp.make(published, 0));
    }
    assertEquals(List.of(ModelVersions.key(ModelVersions.FTRL, 1) + " retired"), retired(), "unpinned, version 1 retires");

    TimestampedKeyValueStore<String, ChampionPin> pins = context.getStateStore(StoreNames.MODEL_PINS);
    pins.put(ModelVersions.CHAMPION, ValueAndTimestamp.make(new ChampionPin(ModelVersions.FTRL, 2L, now, null), 0));
    learn(1, true);
    publish();
    assertEquals(List.of(), retired(), "version 2 is pinned");
  }

  private List<String> retired() {
    return context.forwarded().stream().filter(f -> ((ModelVersion) f.record().value()).getWeights() == null)
        .map(f -> f.record().key() + " retired").toList();
  }
}
