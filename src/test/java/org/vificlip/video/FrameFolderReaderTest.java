package org.vificlip.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameFolderReaderTest {
    @Test
    void pngFramesReadBackExactlyInNameOrder(@TempDir Path dir) throws IOException {
        VideoFixtures.Clip clip = VideoFixtures.h264Clips().get(0);
        List<RgbFrame> frames = VideoFixtures.referenceFrames(clip);
        // unpadded names on purpose: img_10 must come after img_9
        for (int i = 0; i < frames.size(); i++) {
            ImageIO.write(toImage(frames.get(i)), "png", dir.resolve("img_" + (i + 1) + ".png").toFile());
        }
        Files.writeString(dir.resolve("notes.txt"), "not a frame");
        try (VideoReader reader = VideoReaders.open(dir)) {
            assertEquals(frames.size(), reader.info().frameCount());
            assertEquals(clip.width(), reader.info().width());
            List<RgbFrame> got = reader.read(new int[]{7, 0, 3, 3});
            assertArrayEquals(frames.get(7).rgb(), got.get(0).rgb());
            assertArrayEquals(frames.get(0).rgb(), got.get(1).rgb());
            assertArrayEquals(frames.get(3).rgb(), got.get(3).rgb());
        }
    }

    @Test
    void naturalOrder() {
        assertTrue(FrameFolderReader.naturalCompare("img_9.jpg", "img_10.jpg") < 0);
        assertTrue(FrameFolderReader.naturalCompare("img_00009.jpg", "img_00010.jpg") < 0);
        assertTrue(FrameFolderReader.naturalCompare("a.jpg", "b.jpg") < 0);
        assertEquals(0, FrameFolderReader.naturalCompare("x_1.png", "x_1.png"));
    }

    @Test
    void folderWithoutImagesIsAClearError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("readme.txt"), "x");
        BadInputException e = assertThrows(BadInputException.class, () -> VideoReaders.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no frame images"), e.getMessage());
    }

    @Test
    void corruptImageIsAClearError(@TempDir Path dir) throws IOException {
        ImageIO.write(toImage(PreprocessingTest.randomFrame(8, 8, 1)), "png", dir.resolve("img_00001.png").toFile());
        Files.write(dir.resolve("img_00002.jpg"), new byte[]{1, 2, 3, 4, 5});
        try (VideoReader reader = VideoReaders.open(dir)) {
            BadInputException e = assertThrows(BadInputException.class, () -> reader.read(new int[]{1}));
            assertTrue(e.getMessage().contains("img_00002.jpg"), e.getMessage());
        }
    }

    static BufferedImage toImage(RgbFrame frame) {
        BufferedImage img = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                img.setRGB(x, y, frame.at(x, y, 0) << 16 | frame.at(x, y, 1) << 8 | frame.at(x, y, 2));
            }
        }
        return img;
    }
}
