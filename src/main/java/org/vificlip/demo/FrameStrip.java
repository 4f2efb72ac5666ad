package org.vificlip.demo;

import org.vificlip.video.FrameSampler;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The frames the model sees of a few videos (ViFi-CLIP's test-mode sampling: T segment-centre frames), one
 * row per video, under its true label and the model's prediction (green when right, red when wrong).
 */
public final class FrameStrip {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One video of the strip. */
    public record Entry(Path video, String split, String trueLabel, String predicted, double probability) {
        boolean correct() {
            return trueLabel.equals(predicted);
        }
    }

    private static final int SCALE = 2;
    private static final int GAP = 4;
    private static final int CAPTION = 24;

    private FrameStrip() {
    }

    public static void write(Path file, List<Entry> entries, int numFrames) throws IOException {
        List<List<RgbFrame>> rows = new java.util.ArrayList<>();
        int fw = 0;
        int fh = 0;
        for (Entry e : entries) {
            try (VideoReader reader = VideoReaders.open(e.video())) {
                List<RgbFrame> frames = reader.read(FrameSampler.testIndices(reader.info().frameCount(), numFrames));
                rows.add(frames);
                fw = Math.max(fw, frames.get(0).width() * SCALE);
                fh = Math.max(fh, frames.get(0).height() * SCALE);
            }
        }
        int width = GAP + numFrames * (fw + GAP);
        int height = entries.size() * (CAPTION + fh + GAP) + GAP;
        BufferedImage image = new BufferedImage(Math.max(width, 560), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = GAP;
        for (int r = 0; r < entries.size(); r++) {
            Entry e = entries.get(r);
            g.setColor(e.correct() ? new Color(0, 120, 0) : new Color(190, 0, 0));
            g.drawString(String.format(java.util.Locale.ROOT, "%s | true: %s | predicted: %s (%.0f%%)", e.split(),
                    e.trueLabel(), e.predicted(), 100 * e.probability()), GAP, y + 16);
            y += CAPTION;
            int x = GAP;
            for (RgbFrame f : rows.get(r)) {
                g.drawImage(toImage(f), x, y, f.width() * SCALE, f.height() * SCALE, null);
                x += fw + GAP;
            }
            y += fh + GAP;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static BufferedImage toImage(RgbFrame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = f.rgb();
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                int i = 3 * (y * f.width() + x);
                img.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF));
            }
        }
        return img;
    }
}
