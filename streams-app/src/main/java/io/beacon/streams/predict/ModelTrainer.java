package io.beacon.streams.predict;

import io.beacon.avro.ChampionPin;
import io.beacon.avro.Example;
import io.beacon.avro.ModelMetrics;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import io.beacon.streams.PredictConfig;
import io.beacon.streams.ProcessingListener;
import io.beacon.streams.StoreNames;
import io.beacon.streams.counting.CommitHook;
import io.beacon.streams.predict.ClickFeatures.Impression;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Both candidate models learn each example once, in the one task of the single-partition examples
 * topic: FTRL-Proximal and the smoothed-CTR baseline each predict the example before learning it,
 * and that prediction is scored (progressive validation). Every {@code publish-interval} in which
 * they learned something, each is published as a new version on the models topic, which every
 * instance reads whole; the version {@code versions-kept} back is written again without its
 * weights, unless it is the pinned champion.
 *
 * <p>The models live in memory, as dense arrays over the hashed feature space, and are a cache of
 * the coordinates store: each start reads them from it, and the coordinates an example changed are
 * written before the task's next commit ({@link CommitHook}), with the metrics, so that the models,
 * the input offsets, and the versions sent commit together under exactly_once_v2. The hook writes
 * only what {@code process} changed (a store write needs the context of a record); a version's
 * number and the examples it covers are written in the punctuation that publishes it.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>Every start of the task begins from the stores</b>: nothing learned and not committed
 *       survives a crash. Test: {@code ModelTrainerTest.shouldLearnOnFromWhatWasCommittedWhenTheTaskStartsAgainAfterACrash}.
 *   <li><b>The commit hook writes only what examples changed</b>, never before the task's first
 *       example. Test: {@code ModelTrainerTest.shouldWriteNothingAtACommitBeforeItsFirstExample}.
 *   <li><b>Version numbers go on from the stored one</b>, so a version is never made twice.
 *       Test: {@code ModelTrainerTest.shouldNumberVersionsOnFromTheStoredOneAfterARestart}.
 *   <li><b>The pinned version keeps its weights.</b> Test: {@code
 *       ModelTrainerTest.shouldKeepAPinnedVersionsWeightsWhenItsTurnToRetireComes}.
 *   <li><b>The models go on only with the feature bits they learned with</b>: a start with others
 *       stops with the setting named. Test: {@code
 *       ModelTrainerTest.shouldRefuseToStartWithOtherFeatureBitsThanTheModelsLearnedWith}.
 * </ol>
 */
public final class ModelTrainer implements Processor<String, Example, String, ModelVersion> {

  static final String VERSION = "version";
  static final String PUBLISHED_EXAMPLES = "published-examples";
  static final String FEATURE_BITS = "feature-bits";

  private final PredictConfig config;
  private final int priorImpressions;
  private final ProcessingListener listener;
  private final HashedFeatures features;
  private ProcessorContext<String, ModelVersion> context;
  private KeyValueStore<Integer, byte[]> coordinates;
  private KeyValueStore<String, byte[]> progress;
  private TimestampedKeyValueStore<String, Product> catalog;
  private TimestampedKeyValueStore<String, ModelVersion> versions;
  private TimestampedKeyValueStore<String, ChampionPin> pins;
  private FtrlProximal ftrl;
  private SmoothedCtr baseline;
  private ProgressiveMetrics ftrlMetrics;
  private ProgressiveMetrics baselineMetrics;
  private long version;
  private long publishedExamples;
  private boolean[] changed;
  private int[] changedList;
  private int changedCount;
  private int learnedSinceFlush;
  private int clickedSinceFlush;
  private final List<Cancellable> punctuations = new ArrayList<>(1);

  public ModelTrainer(PredictConfig config, int priorImpressions, ProcessingListener listener) {
    this.config = config;
    this.priorImpressions = priorImpressions;
    this.listener = listener;
    this.features = new HashedFeatures(config.featureBits());
  }

  /** Everything held is made anew from the stores, so nothing survives a rollback or a move. */
  @Override
  public void init(ProcessorContext<String, ModelVersion> context) {
    this.context = context;
    coordinates = context.getStateStore(StoreNames.MODEL_COORDINATES);
    progress = context.getStateStore(StoreNames.MODEL_PROGRESS);
    catalog = context.getStateStore(StoreNames.CATALOG);
    versions = context.getStateStore(StoreNames.MODELS);
    pins = context.getStateStore(StoreNames.MODEL_PINS);
    int dimension = features.dimension();
    ftrl = new FtrlProximal(new FtrlProximal.Settings(config.alpha(), config.beta(), config.l1(), config.l2()), dimension);
    baseline = new SmoothedCtr(priorImpressions, dimension);
    long learnedWithBits = storedLong(FEATURE_BITS);
    if (learnedWithBits != 0 && learnedWithBits != config.featureBits()) {
      // Each feature's coordinate is its hash masked to the bits: with others, every weight would be another feature's.
      throw new IllegalStateException("the models learned with beacon.predict.feature-bits " + learnedWithBits + ", not "
          + config.featureBits() + ": set it back, or reset the application to learn anew");
    }
    try (KeyValueIterator<Integer, byte[]> stored = coordinates.all()) {
      while (stored.hasNext()) {
        KeyValue<Integer, byte[]> entry = stored.next();
        ByteBuffer state = ByteBuffer.wrap(entry.value);
        ftrl.restore(entry.key, state.getDouble(), state.getDouble());
        baseline.restore(entry.key, state.getDouble(), state.getDouble());
      }
    }
    ftrlMetrics = storedMetrics(ModelVersions.FTRL);
    baselineMetrics = storedMetrics(ModelVersions.SMOOTHED_CTR);
    version = storedLong(VERSION);
    publishedExamples = storedLong(PUBLISHED_EXAMPLES);
    changed = new boolean[dimension];
    changedList = new int[64];
    changedCount = 0;
    learnedSinceFlush = 0;
    clickedSinceFlush = 0;
    context.<CommitHook>getStateStore(StoreNames.TRAIN_COMMIT_HOOK).beforeCommit(this::flush);
    punctuations.add(context.schedule(config.publishInterval(), PunctuationType.WALL_CLOCK_TIME, this::publish));
  }

  @Override
  public void process(Record<String, Example> record) {
    Example example = record.value();
    ValueAndTimestamp<Product> product = catalog.get(example.getProductId());
    Impression impression = Impression.of(example, product == null ? null : product.value());
    int[] active = features.coordinates(ClickFeatures.of(impression));
    int productCoordinate = features.coordinate(ClickFeatures.product(example.getAdvertiserId(), example.getProductId()));
    int advertiserCoordinate = features.coordinate(ClickFeatures.advertiser(example.getAdvertiserId()));
    boolean clicked = example.getClicked();
    ftrlMetrics.add(ftrl.learn(active, clicked), clicked, example.getPlacement());
    baselineMetrics.add(baseline.learn(productCoordinate, advertiserCoordinate, clicked), clicked, example.getPlacement());
    for (int i : active) {
      markChanged(i);
    }
    markChanged(productCoordinate);
    markChanged(advertiserCoordinate);
    learnedSinceFlush++;
    clickedSinceFlush += clicked ? 1 : 0;
  }

  private void markChanged(int i) {
    if (!changed[i]) {
      changed[i] = true;
      if (changedCount == changedList.length) {
        changedList = Arrays.copyOf(changedList, changedCount * 2);
      }
      changedList[changedCount++] = i;
    }
  }

  /** Writes the coordinates learned since the last flush and the metrics. */
  private void flush() {
    if (learnedSinceFlush == 0) {
      return;
    }
    for (int k = 0; k < changedCount; k++) {
      int i = changedList[k];
      double[] weights = ftrl.state(i);
      double[] counts = baseline.state(i);
      coordinates.put(i, ByteBuffer.allocate(4 * Double.BYTES).putDouble(weights[0]).putDouble(weights[1])
          .putDouble(counts[0]).putDouble(counts[1]).array());
      changed[i] = false;
    }
    changedCount = 0;
    progress.put(FEATURE_BITS, longBytes(config.featureBits()));
    progress.put(metricsKey(ModelVersions.FTRL), ftrlMetrics.toBytes());
    progress.put(metricsKey(ModelVersions.SMOOTHED_CTR), baselineMetrics.toBytes());
    listener.trained(learnedSinceFlush, clickedSinceFlush);
    learnedSinceFlush = 0;
    clickedSinceFlush = 0;
  }

  /** Publishes both models as a new version, if they learned anything since the last one. */
  private void publish(long now) {
    if (ftrlMetrics.examples() == publishedExamples) {
      return;
    }
    version++;
    Instant madeAt = Instant.ofEpochMilli(now);
    send(version(ModelVersions.FTRL, madeAt, ftrlMetrics.snapshot(), SparseWeights.encode(ftrl.weights())), now);
    send(version(ModelVersions.SMOOTHED_CTR, madeAt, baselineMetrics.snapshot(), SparseWeights.encode(baseline.published())), now);
    publishedExamples = ftrlMetrics.examples();
    progress.put(VERSION, longBytes(version));
    progress.put(PUBLISHED_EXAMPLES, longBytes(publishedExamples));
    retire(version - config.versionsKept(), now);
  }

  private ModelVersion version(String model, Instant madeAt, ModelMetrics metrics, ByteBuffer weights) {
    return ModelVersion.newBuilder().setModel(model).setVersion(version).setMadeAt(madeAt).setFeatureBits(config.featureBits())
        .setMetrics(metrics).setWeights(weights).build();
  }

  /**
   * Writes version {@code old} of each model again without its weights, unless it is the pinned
   * champion. It was published {@code versions-kept} intervals ago, so every instance has read it.
   */
  private void retire(long old, long now) {
    if (old < 1) {
      return;
    }
    ValueAndTimestamp<ChampionPin> pin = pins.get(ModelVersions.CHAMPION);
    for (String model : ModelVersions.MODELS) {
      if (pin != null && pin.value() != null && pin.value().getModel().equals(model) && pin.value().getVersion() == old) {
        continue;
      }
      ValueAndTimestamp<ModelVersion> kept = versions.get(ModelVersions.key(model, old));
      if (kept != null && kept.value() != null && kept.value().getWeights() != null) {
        send(ModelVersion.newBuilder(kept.value()).setWeights(null).build(), now);
      }
    }
  }

  private void send(ModelVersion published, long now) {
    context.forward(new Record<>(ModelVersions.key(published.getModel(), published.getVersion()), published, now));
  }

  @Override
  public void close() {
    punctuations.forEach(Cancellable::cancel);
    punctuations.clear();
  }

  private ProgressiveMetrics storedMetrics(String model) {
    byte[] stored = progress.get(metricsKey(model));
    return stored == null ? new ProgressiveMetrics(config.selectionExamples())
        : ProgressiveMetrics.fromBytes(stored, config.selectionExamples());
  }

  private long storedLong(String key) {
    byte[] stored = progress.get(key);
    return stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static String metricsKey(String model) {
    return "metrics." + model;
  }
}
