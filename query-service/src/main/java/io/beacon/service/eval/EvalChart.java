package io.beacon.service.eval;

import io.beacon.service.eval.PersonalEvaluation.Measured;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** A bar chart of the evaluation: one group of bars per metric, one bar per model. */
final class EvalChart {

  private static final Color[] COLORS = {new Color(0xBAB0AC), new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B)};
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 560;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 90;
  private static final int BOTTOM = 60;

  private EvalChart() {}

  static BufferedImage draw(String title, List<Measured> models) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString(title, LEFT, 30);

    double max = models.stream().flatMap(m -> m.metrics().values().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
    double top = Math.min(1, Math.ceil(max * 10) / 10);
    int bottom = HEIGHT - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int step = 0; step <= Math.round(top * 10); step++) {
      double value = step / 10.0;
      int y = y(value, top);
      g.setColor(step == 0 ? Color.BLACK : new Color(0xE6E6E6));
      g.drawLine(LEFT, y, WIDTH - RIGHT, y);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%.1f", value);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }

    // Legend under the title.
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int x = LEFT;
    for (int m = 0; m < models.size(); m++) {
      g.setColor(COLORS[m % COLORS.length]);
      g.fillRect(x, 48, 14, 14);
      g.setColor(Color.BLACK);
      g.drawString(models.get(m).model(), x + 20, 60);
      x += 30 + g.getFontMetrics().stringWidth(models.get(m).model());
    }

    List<String> metrics = RankingMetrics.Result.NAMES;
    double groupWidth = (double) (WIDTH - LEFT - RIGHT) / metrics.size();
    double barWidth = Math.min(44, groupWidth * 0.8 / models.size());
    for (int i = 0; i < metrics.size(); i++) {
      double center = LEFT + groupWidth * (i + 0.5);
      for (int m = 0; m < models.size(); m++) {
        double value = models.get(m).metrics().values().get(i);
        int left = (int) (center + (m - models.size() / 2.0) * barWidth);
        int y = y(value, top);
        g.setColor(COLORS[m % COLORS.length]);
        g.fillRect(left, y, (int) barWidth - 3, bottom - y);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        String label = String.format(Locale.ROOT, "%.3f", value);
        g.drawString(label, left + ((int) barWidth - 3 - g.getFontMetrics().stringWidth(label)) / 2, y - 3);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      g.drawString(metrics.get(i), (int) (center - g.getFontMetrics().stringWidth(metrics.get(i)) / 2.0), bottom + 24);
    }
    g.dispose();
    return image;
  }

  private static int y(double value, double top) {
    return (int) Math.round(HEIGHT - BOTTOM - value / top * (HEIGHT - BOTTOM - TOP));
  }
}
