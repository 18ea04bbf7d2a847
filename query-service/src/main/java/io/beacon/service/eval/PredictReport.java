package io.beacon.service.eval;

import io.beacon.loadgen.clicks.ClickModel;
import io.beacon.loadgen.clicks.ShownImpression;
import io.beacon.service.eval.PredictEvaluation.Clicks;
import io.beacon.service.eval.PredictEvaluation.Holdout;
import io.beacon.service.eval.PredictEvaluation.Result;
import io.beacon.service.eval.PredictEvaluation.VersionPoint;
import io.beacon.streams.predict.ModelVersions;
import io.beacon.streams.predict.ProgressiveMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The click-prediction evaluation's figures, targets and charts, as Markdown beside two PNGs. */
final class PredictReport {

  static final double OPTIMAL_RATIO_TARGET = 1.03;
  static final double BELOW_BASELINE_TARGET = 0.05;
  static final double CALIBRATION_TARGET = 0.03;
  static final double PLACEMENT_CALIBRATION_TARGET = 0.10;
  private static final int CALIBRATION_BINS = 20;

  private PredictReport() {}

  static void write(Result r, Path report, String command) throws IOException {
    List<ShownImpression> training = r.training();
    int n = training.size();
    double[] optimal = optimalInLabelOrder(training);
    VersionPoint ftrl = last(r.versions().get(ModelVersions.FTRL));
    VersionPoint baseline = last(r.versions().get(ModelVersions.SMOOTHED_CTR));
    long recent = ftrl.recentExamples();
    double optimalAll = optimal[n] / n;
    double optimalRecent = (optimal[n] - optimal[(int) (n - recent)]) / recent;
    double ftrlRecent = ftrl.recentLogLossSum() / recent;
    double baselineRecent = baseline.recentLogLossSum() / baseline.recentExamples();

    Path charts = report.toAbsolutePath().getParent();
    Files.createDirectories(charts);
    String stem = report.getFileName().toString().replaceFirst("\\.md$", "");
    Path lossChart = charts.resolve(stem + "-logloss.png");
    Path calibrationChart = charts.resolve(stem + "-calibration.png");
    ChartUtils.saveChartAsPNG(lossChart.toFile(), lossOverTime(r, optimal), 1000, 520);
    ChartUtils.saveChartAsPNG(calibrationChart.toFile(), calibration(r), 700, 620);

    StringBuilder md = new StringBuilder();
    md.append("# Click prediction: evaluation\n\n");
    md.append("Written by `").append(command).append("`; every figure below comes from that run.\n\n");
    md.append(String.format(Locale.ROOT, "Data: %,d training impressions over %d hours and %,d holdout impressions, drawn from the known"
        + " click model of seed %d (`loadgen` `ClickModel`: %d advertisers × %d products, %d placements, device and country in"
        + " each impression's context, an hour-of-day wave, and placement × device and product × device interactions)."
        + " Clicks come 1 s to %d min after their impression. Beacon (embedded broker, publish interval 1 s) counted, labelled"
        + " and learned the %,d events in %.1f s (backfill over HTTP included). Each model's figures are progressive: every"
        + " example was predicted before the model learned it, which is how a model that learns live is used: to predict what"
        + " comes next. The holdout, the hour after the training impressions, was then predicted over `POST /v1/predict` by"
        + " each model's last version, pinned as champion in turn.%n%n", n, PredictEvaluation.SPAN.toHours(), r.holdout().size(),
        r.settings().seed(), PredictEvaluation.ADVERTISERS, PredictEvaluation.PRODUCTS_PER_ADVERTISER, ClickModel.PLACEMENTS.size(),
        PredictEvaluation.MAX_CLICK_DELAY.toMinutes(), r.events(), r.loadSeconds()));
    md.append(String.format(Locale.ROOT, "Settings: attribution window %s, 2^%d hashed features, FTRL α %s, β %s, L1 %s, L2 %s,"
        + " champion chosen on the latest %,d examples.%n%n", r.predict().attributionWindow().toMinutes() + " min", r.predict().featureBits(),
        r.predict().alpha(), r.predict().beta(), r.predict().l1(), r.predict().l2(), r.predict().selectionExamples()));

    md.append("## Progressive log loss\n\n| | all examples | latest ").append(String.format(Locale.ROOT, "%,d", recent))
        .append(" | AUC | calibration (predicted ÷ actual clicks) | calibration, latest ").append(String.format(Locale.ROOT, "%,d", recent))
        .append(" |\n| --- | --- | --- | --- | --- | --- |\n");
    row(md, "Bayes-optimal (true probabilities)", optimalAll, optimalRecent, null, null, null);
    VersionPoint ftrlFrom = before(r.versions().get(ModelVersions.FTRL), recent);
    VersionPoint baselineFrom = before(r.versions().get(ModelVersions.SMOOTHED_CTR), recent);
    row(md, "ftrl", ftrl.logLossSum() / ftrl.examples(), ftrlRecent, ftrl.auc(), calibration(ftrl.clicks(), null),
        calibration(ftrl.clicks(), ftrlFrom.clicks()));
    row(md, "smoothed-ctr (baseline)", baseline.logLossSum() / baseline.examples(), baselineRecent, baseline.auc(),
        calibration(baseline.clicks(), null), calibration(baseline.clicks(), baselineFrom.clicks()));
    Map<String, Double> ftrlPlacements = new java.util.TreeMap<>();
    ftrl.placements().forEach((p, clicks) -> ftrlPlacements.put(p, calibration(clicks, ftrlFrom.placements().get(p))));
    md.append("\nftrl's calibration over the latest examples, per placement: ");
    ftrlPlacements.forEach((p, c) -> md.append(String.format(Locale.ROOT, "%s %s, ", p, decimals(c, 3))));
    md.setLength(md.length() - 2);
    md.append(".\n");
    md.append("\n![log loss over time](").append(lossChart.getFileName()).append(")\n\n");

    md.append("## Holdout: the next hour, predicted over HTTP\n\nCalibration here is predicted clicks ÷ the clicks the true probabilities"
        + " expect, which has no sampling noise; beside it, ÷ the clicks drawn.\n\n"
        + "| | log loss | AUC | calibration (÷ expected) | (÷ drawn) | per placement (÷ expected) |\n| --- | --- | --- | --- | --- | --- |\n");
    double[] truth = r.holdout().stream().mapToDouble(ShownImpression::probability).toArray();
    md.append(String.format(Locale.ROOT, "| Bayes-optimal | %.4f | %.4f | 1 | %.3f | |%n", logLoss(r.holdout(), truth),
        auc(r.holdout(), truth), Arrays.stream(truth).sum() / clicks(r.holdout())));
    for (Holdout h : r.predictions()) {
      Map<String, Double> perPlacement = calibrationByPlacement(r.holdout(), h.pctr());
      double calibration = Arrays.stream(h.pctr()).sum() / Arrays.stream(truth).sum();
      StringBuilder placements = new StringBuilder();
      perPlacement.forEach((p, c) -> placements.append(String.format(Locale.ROOT, "%s %.3f, ", p, c)));
      md.append(String.format(Locale.ROOT, "| %s (version %d) | %.4f | %.4f | %.3f | %.3f | %s |%n", h.model(), h.version(),
          logLoss(r.holdout(), h.pctr()), auc(r.holdout(), h.pctr()), calibration,
          Arrays.stream(h.pctr()).sum() / clicks(r.holdout()), placements.toString().replaceFirst(", $", "")));
    }
    md.append("\n![calibration](").append(calibrationChart.getFileName()).append(")\n\n");

    md.append("## Targets\n\n| target | measured | |\n| --- | --- | --- |\n");
    target(md, String.format(Locale.ROOT, "ftrl's log loss ≤ %.2f× the optimal (latest examples)", OPTIMAL_RATIO_TARGET),
        String.format(Locale.ROOT, "%.4f× (%.4f vs %.4f)", ftrlRecent / optimalRecent, ftrlRecent, optimalRecent),
        ftrlRecent <= OPTIMAL_RATIO_TARGET * optimalRecent);
    target(md, String.format(Locale.ROOT, "ftrl's log loss ≥ %.0f%% below the baseline's (latest examples)", BELOW_BASELINE_TARGET * 100),
        String.format(Locale.ROOT, "%.1f%% below (%.4f vs %.4f)", 100 * (1 - ftrlRecent / baselineRecent), ftrlRecent, baselineRecent),
        ftrlRecent <= (1 - BELOW_BASELINE_TARGET) * baselineRecent);
    Double overall = calibration(ftrl.clicks(), ftrlFrom.clicks());
    target(md, String.format(Locale.ROOT, "calibration within ±%.0f%% overall (ftrl, latest examples)", CALIBRATION_TARGET * 100),
        decimals(overall, 3), overall != null && Math.abs(overall - 1) <= CALIBRATION_TARGET);
    double worst = ftrlPlacements.values().stream().mapToDouble(c -> c == null ? Double.NaN : Math.abs(c - 1)).max().orElse(Double.NaN);
    target(md, String.format(Locale.ROOT, "calibration within ±%.0f%% per placement (ftrl, latest examples)",
        PLACEMENT_CALIBRATION_TARGET * 100), String.format(Locale.ROOT, "worst %.1f%% off", worst * 100),
        worst <= PLACEMENT_CALIBRATION_TARGET);
    Files.writeString(report, md.toString());
  }

  /**
   * The running sum of the optimal log loss, over the impressions in the order the models learn
   * them: each when its attribution window closes, so in the order of the impressions.
   */
  static double[] optimalInLabelOrder(List<ShownImpression> training) {
    List<ShownImpression> ordered = new ArrayList<>(training);
    ordered.sort(Comparator.comparing(ShownImpression::at));
    double[] sums = new double[ordered.size() + 1];
    for (int i = 0; i < ordered.size(); i++) {
      ShownImpression s = ordered.get(i);
      sums[i + 1] = sums[i] + ProgressiveMetrics.logLoss(s.probability(), s.clicked());
    }
    return sums;
  }

  private static JFreeChart lossOverTime(Result r, double[] optimal) {
    XYSeriesCollection series = new XYSeriesCollection();
    XYSeries best = new XYSeries("Bayes-optimal");
    boolean first = true;
    for (Map.Entry<String, List<VersionPoint>> model : r.versions().entrySet()) {
      XYSeries line = new XYSeries(model.getKey());
      VersionPoint previous = null;
      for (VersionPoint v : model.getValue()) {
        long from = previous == null ? 0 : previous.examples();
        if (v.examples() > from) {
          double x = v.examples() / 1000.0;
          line.add(x, (v.logLossSum() - (previous == null ? 0 : previous.logLossSum())) / (v.examples() - from));
          if (first) {
            best.add(x, (optimal[(int) v.examples()] - optimal[(int) from]) / (v.examples() - from));
          }
        }
        previous = v;
      }
      series.addSeries(line);
      first = false;
    }
    series.addSeries(best);
    JFreeChart chart = ChartFactory.createXYLineChart("Progressive log loss between versions", "examples learned (thousands)",
        "log loss", series, PlotOrientation.VERTICAL, true, false, false);
    style(chart);
    return chart;
  }

  private static JFreeChart calibration(Result r) {
    XYSeriesCollection series = new XYSeriesCollection();
    double max = 0;
    for (Holdout h : r.predictions()) {
      Integer[] order = new Integer[h.pctr().length];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.comparingDouble(i -> h.pctr()[i]));
      XYSeries points = new XYSeries(h.model() + " (mean pCTR vs true rate, 20 bins)");
      for (int b = 0; b < CALIBRATION_BINS; b++) {
        int from = order.length * b / CALIBRATION_BINS;
        int to = order.length * (b + 1) / CALIBRATION_BINS;
        double predicted = 0;
        double actual = 0;
        for (int k = from; k < to; k++) {
          predicted += h.pctr()[order[k]];
          actual += r.holdout().get(order[k]).probability();
        }
        points.add(predicted / (to - from), actual / (to - from));
        max = Math.max(max, Math.max(predicted, actual) / (to - from));
      }
      series.addSeries(points);
    }
    XYSeries diagonal = new XYSeries("perfect");
    diagonal.add(0, 0);
    diagonal.add(max, max);
    series.addSeries(diagonal);
    JFreeChart chart = ChartFactory.createXYLineChart("Calibration on the holdout", "predicted click-through rate",
        "true click-through rate", series, PlotOrientation.VERTICAL, true, false, false);
    style(chart);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
    for (int s = 0; s < series.getSeriesCount() - 1; s++) {
      renderer.setSeriesShapesVisible(s, true);
    }
    return chart;
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    Color[] colours = {new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0x888888)};
    for (int s = 0; s < plot.getDataset().getSeriesCount(); s++) {
      plot.getRenderer().setSeriesPaint(s, colours[s % colours.length]);
      plot.getRenderer().setSeriesStroke(s, new BasicStroke(2f));
    }
  }

  private static Map<String, Double> calibrationByPlacement(List<ShownImpression> holdout, double[] pctr) {
    Map<String, double[]> sums = new java.util.TreeMap<>();
    for (int i = 0; i < holdout.size(); i++) {
      double[] s = sums.computeIfAbsent(holdout.get(i).placement(), p -> new double[2]);
      s[0] += pctr[i];
      s[1] += holdout.get(i).probability();
    }
    Map<String, Double> calibration = new java.util.TreeMap<>();
    sums.forEach((p, s) -> calibration.put(p, s[0] / s[1]));
    return calibration;
  }

  static double logLoss(List<ShownImpression> shown, double[] p) {
    double sum = 0;
    for (int i = 0; i < shown.size(); i++) {
      sum += ProgressiveMetrics.logLoss(p[i], shown.get(i).clicked());
    }
    return sum / shown.size();
  }

  /** The exact AUC: the share of (clicked, not clicked) pairs ordered right, ties a half. */
  static double auc(List<ShownImpression> shown, double[] p) {
    Integer[] order = new Integer[shown.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double pairs = 0;
    long negatives = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      long tiedPositives = 0;
      long tiedNegatives = 0;
      while (j < order.length && p[order[j]] == p[order[i]]) {
        if (shown.get(order[j]).clicked()) {
          tiedPositives++;
        } else {
          tiedNegatives++;
        }
        j++;
      }
      pairs += tiedPositives * (negatives + tiedNegatives / 2.0);
      negatives += tiedNegatives;
      positives += tiedPositives;
      i = j;
    }
    return pairs / ((double) positives * negatives);
  }

  private static long clicks(List<ShownImpression> shown) {
    return shown.stream().filter(ShownImpression::clicked).count();
  }

  private static VersionPoint last(List<VersionPoint> versions) {
    return versions.get(versions.size() - 1);
  }

  private static void row(StringBuilder md, String name, double all, double recent, Double auc, Double calibration, Double latest) {
    md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %s | %s | %s |%n", name, all, recent, decimals(auc, 4),
        decimals(calibration, 3), decimals(latest, 3)));
  }

  private static String decimals(Double value, int places) {
    return value == null ? "" : String.format(Locale.ROOT, "%." + places + "f", value);
  }

  /** The newest version at least {@code examples} before the last, or the first. */
  private static VersionPoint before(List<VersionPoint> versions, long examples) {
    VersionPoint last = last(versions);
    VersionPoint from = versions.get(0);
    for (VersionPoint v : versions) {
      if (v.examples() <= last.examples() - examples) {
        from = v;
      }
    }
    return from;
  }

  /** Predicted ÷ actual clicks up to {@code to}, since {@code from} when given; null without clicks. */
  private static Double calibration(Clicks to, Clicks from) {
    long clicks = to.actual() - (from == null ? 0 : from.actual());
    double predicted = to.predicted() - (from == null ? 0 : from.predicted());
    return clicks == 0 ? null : predicted / clicks;
  }

  private static void target(StringBuilder md, String what, String measured, boolean met) {
    md.append("| ").append(what).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
  }
}
