package io.beacon.streams.predict;

import io.beacon.avro.ModelMetrics;
import io.beacon.avro.PlacementMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's progressive validation: each example is scored by what the model predicted before it
 * learned it, so every figure is out of sample. Kept: log loss, clicks and predicted clicks
 * (calibration), overall and per placement; AUC from a histogram of the predictions; and the log
 * loss over the latest {@code recent} examples, which chooses the champion.
 *
 * <p>AUC is computed over 1,024 bins of the predicted log-odds between -12 and 4 (a rate of 6e-6
 * to 0.98), a pair in the same bin counting a half: exact to a few thousandths for the rates of
 * ads. The latest examples are counted in blocks of a tenth of {@code recent}, so "the latest"
 * means the last 90% to 100% of that many.
 */
public final class ProgressiveMetrics {

  /** Beyond these a probability is clamped, so that one confident mistake cannot make log loss infinite. */
  static final double EPSILON = 1e-7;
  static final int BINS = 1024;
  static final double MIN_LOGIT = -12;
  static final double MAX_LOGIT = 4;
  /** Placements tracked one by one; the rest are added up under {@link #OTHER_PLACEMENTS}. */
  static final int MAX_PLACEMENTS = 64;
  public static final String NO_PLACEMENT = "(none)";
  public static final String OTHER_PLACEMENTS = "(other)";
  private static final int BLOCKS = 10;

  private final long blockSize;
  private final Totals all = new Totals();
  private final Map<String, Totals> placements = new TreeMap<>();
  private final long[] positives = new long[BINS];
  private final long[] negatives = new long[BINS];
  /** Completed blocks of the latest examples, oldest first: count and log loss sum each. */
  private final Deque<double[]> blocks = new ArrayDeque<>();
  private double[] block = new double[2];

  public ProgressiveMetrics(int recent) {
    this.blockSize = Math.max(1, recent / BLOCKS);
  }

  private static final class Totals {
    long examples;
    long clicks;
    double logLoss;
    double predicted;

    void add(double p, boolean clicked, double loss) {
      examples++;
      clicks += clicked ? 1 : 0;
      logLoss += loss;
      predicted += p;
    }
  }

  /** Scores one prediction {@code p} of an example with this label. */
  public void add(double p, boolean clicked, String placement) {
    double loss = logLoss(p, clicked);
    all.add(p, clicked, loss);
    placementTotals(placement == null ? NO_PLACEMENT : placement).add(p, clicked, loss);
    (clicked ? positives : negatives)[bin(p)]++;
    block[0]++;
    block[1] += loss;
    if (block[0] >= blockSize) {
      blocks.addLast(block);
      if (blocks.size() > BLOCKS - 1) {
        blocks.removeFirst();
      }
      block = new double[2];
    }
  }

  public long examples() {
    return all.examples;
  }

  /** The log loss of one prediction, with {@code p} clamped to [ε, 1-ε]. */
  public static double logLoss(double p, boolean clicked) {
    double clamped = Math.min(1 - EPSILON, Math.max(EPSILON, p));
    return -Math.log(clicked ? clamped : 1 - clamped);
  }

  /** The figures a version publishes. */
  public ModelMetrics snapshot() {
    double recentExamples = block[0];
    double recentLoss = block[1];
    for (double[] b : blocks) {
      recentExamples += b[0];
      recentLoss += b[1];
    }
    Map<String, PlacementMetrics> byPlacement = new LinkedHashMap<>();
    placements.forEach((name, t) -> byPlacement.put(name, new PlacementMetrics(t.examples, t.clicks, t.logLoss, t.predicted)));
    return ModelMetrics.newBuilder().setExamples(all.examples).setClicks(all.clicks).setLogLossSum(all.logLoss)
        .setPredictedClicks(all.predicted).setAuc(auc()).setRecentExamples((long) recentExamples).setRecentLogLossSum(recentLoss)
        .setPlacements(byPlacement).build();
  }

  /** The area under the ROC curve, or null while there are examples of one label only. */
  Double auc() {
    long totalPositives = 0;
    long totalNegatives = 0;
    for (int b = 0; b < BINS; b++) {
      totalPositives += positives[b];
      totalNegatives += negatives[b];
    }
    if (totalPositives == 0 || totalNegatives == 0) {
      return null;
    }
    double pairs = 0;
    long negativesBelow = 0;
    for (int b = 0; b < BINS; b++) {
      pairs += positives[b] * (negativesBelow + negatives[b] / 2.0);
      negativesBelow += negatives[b];
    }
    return pairs / ((double) totalPositives * totalNegatives);
  }

  private static int bin(double p) {
    double clamped = Math.min(1 - EPSILON, Math.max(EPSILON, p));
    double logit = Math.log(clamped / (1 - clamped));
    int bin = (int) ((logit - MIN_LOGIT) / (MAX_LOGIT - MIN_LOGIT) * BINS);
    return Math.max(0, Math.min(BINS - 1, bin));
  }

  private Totals placementTotals(String placement) {
    Totals totals = placements.get(placement);
    if (totals == null) {
      boolean room = placements.size() < MAX_PLACEMENTS - 1; // one left for the others
      totals = placements.computeIfAbsent(room ? placement : OTHER_PLACEMENTS, p -> new Totals());
    }
    return totals;
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 * BINS * 8 + 256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out, all);
      out.writeInt(placements.size());
      for (Map.Entry<String, Totals> placement : placements.entrySet()) {
        out.writeUTF(placement.getKey());
        write(out, placement.getValue());
      }
      for (int b = 0; b < BINS; b++) {
        out.writeLong(positives[b]);
        out.writeLong(negatives[b]);
      }
      out.writeInt(blocks.size());
      for (double[] b : blocks) {
        out.writeDouble(b[0]);
        out.writeDouble(b[1]);
      }
      out.writeDouble(block[0]);
      out.writeDouble(block[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static ProgressiveMetrics fromBytes(byte[] bytes, int recent) {
    ProgressiveMetrics metrics = new ProgressiveMetrics(recent);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      read(in, metrics.all);
      int placements = in.readInt();
      for (int k = 0; k < placements; k++) {
        String name = in.readUTF();
        read(in, metrics.placements.computeIfAbsent(name, p -> new Totals()));
      }
      for (int b = 0; b < BINS; b++) {
        metrics.positives[b] = in.readLong();
        metrics.negatives[b] = in.readLong();
      }
      int blocks = in.readInt();
      for (int k = 0; k < blocks; k++) {
        metrics.blocks.addLast(new double[] {in.readDouble(), in.readDouble()});
      }
      metrics.block = new double[] {in.readDouble(), in.readDouble()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return metrics;
  }

  private static void write(DataOutputStream out, Totals totals) throws IOException {
    out.writeLong(totals.examples);
    out.writeLong(totals.clicks);
    out.writeDouble(totals.logLoss);
    out.writeDouble(totals.predicted);
  }

  private static void read(DataInputStream in, Totals totals) throws IOException {
    totals.examples = in.readLong();
    totals.clicks = in.readLong();
    totals.logLoss = in.readDouble();
    totals.predicted = in.readDouble();
  }
}
