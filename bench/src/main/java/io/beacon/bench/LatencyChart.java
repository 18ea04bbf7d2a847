package io.beacon.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The latency chart (PNG): p50, p99 and p99.9 of each system measured, grouped by system, on a log
 * scale. Different commands measure different systems ({@code query}: Beacon, Redis, nginx;
 * {@code forwarded}: Beacon local and forwarded), so each command writes its series into a TSV
 * beside the PNG (same name, {@code .tsv}), replacing its own rows and keeping the others', and
 * the PNG is redrawn from every row. The TSV is the chart's data, with when each row was measured.
 */
final class LatencyChart {

  /** One system's latency: medians over the runs of each percentile, in milliseconds. */
  record Series(String name, double p50Ms, double p99Ms, double p999Ms, String measured) {

    static Series of(String name, List<Wrk.Result> runs, String command) {
      return new Series(name, Sample.of(runs, Wrk.Result::p50Ms).median(), Sample.of(runs, Wrk.Result::p99Ms).median(),
          Sample.of(runs, Wrk.Result::p999Ms).median(), command + " " + Instant.now().truncatedTo(ChronoUnit.MINUTES));
    }

    double[] percentiles() {
      return new double[] {p50Ms, p99Ms, p999Ms};
    }
  }

  private static final String[] PERCENTILES = {"p50", "p99", "p99.9"};
  private static final Color[] COLORS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0xB2182B)};
  private static final int GROUP_WIDTH = 170;
  private static final int HEIGHT = 620;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 80;
  private static final int BOTTOM = 100;

  private LatencyChart() {}

  /** Puts {@code series} into the chart's data (replacing rows of the same name) and redraws {@code png}. */
  static void update(Path png, List<Series> series, PrintStream out) throws IOException {
    Path tsv = png.resolveSibling(png.getFileName().toString().replaceFirst("\\.png$", "") + ".tsv");
    Map<String, Series> rows = new LinkedHashMap<>();
    if (Files.exists(tsv)) {
      for (String line : Files.readAllLines(tsv)) {
        String[] f = line.split("\t");
        if (f.length == 5 && !line.startsWith("#")) {
          rows.put(f[0], new Series(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), f[4]));
        }
      }
    }
    series.forEach(s -> rows.put(s.name(), s));
    StringBuilder text = new StringBuilder("# system\tp50 ms\tp99 ms\tp99.9 ms\tmeasured by (bench command, UTC)\n");
    rows.values().forEach(s -> text.append(String.format(Locale.ROOT, "%s\t%.3f\t%.3f\t%.3f\t%s%n",
        s.name(), s.p50Ms(), s.p99Ms(), s.p999Ms(), s.measured())));
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    Files.writeString(tsv, text);
    ImageIO.write(draw(List.copyOf(rows.values())), "png", png.toFile());
    out.println("bench: wrote the latency chart " + png + " (data: " + tsv + ")");
  }

  static BufferedImage draw(List<Series> series) {
    System.setProperty("java.awt.headless", "true");
    int width = Math.max(1000, LEFT + RIGHT + GROUP_WIDTH * series.size());
    BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, HEIGHT);

    double min = Double.MAX_VALUE;
    double max = 0;
    for (Series s : series) {
      for (double v : s.percentiles()) {
        if (v > 0) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    int lowDecade = (int) Math.floor(Math.log10(min / 2)); // room for the shortest bar
    int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(max)));
    Axis axis = new Axis(lowDecade, highDecade, TOP, HEIGHT - BOTTOM);

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Query latency in ms (log scale), median of the runs", LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("HTTP: wrk, 2 threads; Redis: redis-benchmark; the load generator shares the 2 cores with the server."
        + " Data and dates: the .tsv beside this file.", LEFT, 50);

    // Grid: 1, 2, 5 of each decade; labels at the decades.
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int decade = lowDecade; decade <= highDecade; decade++) {
      for (int step : new int[] {1, 2, 5}) {
        double value = new BigDecimal(step).scaleByPowerOfTen(decade).doubleValue();
        if (value > Math.pow(10, highDecade)) {
          break;
        }
        int y = axis.y(value);
        g.setColor(step == 1 ? new Color(0xBBBBBB) : new Color(0xE6E6E6));
        g.drawLine(LEFT, y, width - RIGHT, y);
        g.setColor(Color.DARK_GRAY);
        String label = new BigDecimal(step).scaleByPowerOfTen(decade).stripTrailingZeros().toPlainString() + " ms";
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
      }
    }

    double groupWidth = (double) (width - LEFT - RIGHT) / series.size();
    double barWidth = Math.min(48, groupWidth * 0.26);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double center = LEFT + groupWidth * (i + 0.5);
      for (int p = 0; p < PERCENTILES.length; p++) {
        double value = s.percentiles()[p];
        int x = (int) (center + (p - 1.5) * barWidth);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (!(value > 0)) {
          g.setColor(Color.GRAY);
          g.drawString("n/a", x + 2, axis.bottom() - 4);
          continue;
        }
        int y = axis.y(value);
        g.setColor(COLORS[p]);
        g.fillRect(x, y, (int) barWidth - 2, axis.bottom() - y);
        g.setColor(Color.BLACK);
        String label = number(value);
        g.drawString(label, x + ((int) barWidth - 2 - g.getFontMetrics().stringWidth(label)) / 2, y - 3);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(Color.BLACK);
      int line = 0;
      for (String text : wrap(s.name(), g.getFontMetrics(), (int) groupWidth - 8)) {
        g.drawString(text, (int) (center - g.getFontMetrics().stringWidth(text) / 2.0), axis.bottom() + 20 + 16 * line++);
      }
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    g.drawLine(LEFT, axis.bottom(), width - RIGHT, axis.bottom());

    // Legend, top right.
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int x = width - RIGHT - 240;
    for (int p = 0; p < PERCENTILES.length; p++) {
      g.setColor(COLORS[p]);
      g.fillRect(x + p * 80, 60, 14, 14);
      g.setColor(Color.BLACK);
      g.drawString(PERCENTILES[p], x + p * 80 + 20, 72);
    }
    g.dispose();
    return image;
  }

  /** Log-scale y axis from 10^low (the bottom) to 10^high (the top). */
  private record Axis(int lowDecade, int highDecade, int top, int bottom) {
    int y(double value) {
      double fraction = (Math.log10(value) - lowDecade) / (highDecade - lowDecade);
      return (int) Math.round(bottom - fraction * (bottom - top));
    }
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, value < 0.1 ? "%.3f" : value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value);
  }

  private static List<String> wrap(String text, FontMetrics metrics, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && metrics.stringWidth(line + " " + word) > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
