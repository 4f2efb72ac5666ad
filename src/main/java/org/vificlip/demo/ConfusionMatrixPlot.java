package org.vificlip.demo;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A confusion matrix as a PNG: rows the true class, columns the top-1 prediction, each cell's count written
 * in it and shaded by its share of the row (so classes with fewer videos read the same).
 */
public final class ConfusionMatrixPlot {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int CELL = 44;

    private ConfusionMatrixPlot() {
    }

    public static void write(Path file, String title, List<String> classes, int[][] confusion) throws IOException {
        int n = classes.size();
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        pg.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = pg.getFontMetrics();
        int labelWidth = 0;
        for (String c : classes) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(c));
        }
        pg.dispose();
        int left = labelWidth + 50;
        int top = 60;
        int width = left + n * CELL + 30;
        int height = top + n * CELL + 20;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("true class (rows) vs predicted (columns, by number)", 10, 42);
        for (int i = 0; i < n; i++) {
            int rowTotal = 0;
            for (int j = 0; j < n; j++) {
                rowTotal += confusion[i][j];
            }
            g.setColor(Color.BLACK);
            String label = i + " " + classes.get(i);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), top + i * CELL + CELL / 2 + 5);
            g.drawString(Integer.toString(i), left + i * CELL + CELL / 2 - 4, top - 6);
            for (int j = 0; j < n; j++) {
                double share = rowTotal == 0 ? 0 : (double) confusion[i][j] / rowTotal;
                // white to a strong blue (correct) or red (wrong), by share of the row
                Color strong = i == j ? new Color(33, 102, 172) : new Color(202, 0, 32);
                g.setColor(mix(Color.WHITE, strong, share));
                g.fillRect(left + j * CELL, top + i * CELL, CELL, CELL);
                g.setColor(new Color(200, 200, 200));
                g.drawRect(left + j * CELL, top + i * CELL, CELL, CELL);
                if (confusion[i][j] > 0) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    String count = Integer.toString(confusion[i][j]);
                    g.drawString(count, left + j * CELL + CELL / 2 - g.getFontMetrics().stringWidth(count) / 2,
                            top + i * CELL + CELL / 2 + 5);
                }
            }
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }
}
