package org.vificlip.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoInfo;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H264Mp4WriterTest {
    /** Four flat quadrants; the colours include a dark grey, which a full-range/limited-range mix-up crushes. */
    private static final int[][] QUADRANTS = {{220, 40, 40}, {40, 190, 60}, {45, 85, 235}, {40, 40, 40}};

    private static byte[] quadrants(int w, int h, int shift) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int q = ((x + shift) % w < w / 2 ? 0 : 1) + (y < h / 2 ? 0 : 2);
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) QUADRANTS[q][c];
                }
            }
        }
        return rgb;
    }

    /** 36x20 is not a whole number of macroblocks: the SPS must crop, and colours must come back. */
    @Test
    void croppedSizeAndColoursSurviveTheRoundTrip(@TempDir Path dir) throws IOException {
        int w = 36;
        int h = 20;
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < 30; f++) {  // past JCodec's key interval of 25: a second IDR frame
            frames.add(quadrants(w, h, f % 2 == 0 ? 0 : 2));
        }
        Path file = dir.resolve("q.mp4");
        H264Mp4Writer.write(file, frames, w, h, 25);
        try (VideoReader reader = VideoReaders.open(file)) {
            VideoInfo info = reader.info();
            assertEquals(30, info.frameCount());
            assertEquals(w, info.width());
            assertEquals(h, info.height());
            assertEquals(25.0, info.fps(), 1e-9);
            assertTrue(info.codec().startsWith("h264"), info.codec());
            List<RgbFrame> decoded = reader.read(new int[]{0, 13, 26, 29});
            for (RgbFrame frame : decoded) {
                // Quadrant centres, away from the edges the 2x2 chroma blocks straddle.
                assertNear(frame, w / 4 + 1, h / 4, QUADRANTS[0]);
                assertNear(frame, 3 * w / 4, h / 4, QUADRANTS[1]);
                assertNear(frame, w / 4 + 1, 3 * h / 4, QUADRANTS[2]);
                assertNear(frame, 3 * w / 4, 3 * h / 4, QUADRANTS[3]);
            }
        }
    }

    private static void assertNear(RgbFrame frame, int x, int y, int[] rgb) {
        for (int c = 0; c < 3; c++) {
            int got = frame.at(x, y, c);
            assertTrue(Math.abs(got - rgb[c]) <= 8, "(" + x + "," + y + ") channel " + c + ": " + got + " vs " + rgb[c]);
        }
    }

    /** 30 frames: two IDR frames, each repeating the SPS/PPS the muxer gathers into one avcC box. */
    @Test
    void sameFramesGiveTheSameBytes() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < 30; f++) {
            frames.add(quadrants(32, 32, 2 * f));
        }
        byte[] first = H264Mp4Writer.encode(frames, 32, 32, 25);
        byte[] second = H264Mp4Writer.encode(frames, 32, 32, 25);
        assertArrayEquals(first, second);
    }

    @Test
    void oddSizesAreRejected() {
        byte[] frame = new byte[33 * 32 * 3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> H264Mp4Writer.encode(List.of(frame), 33, 32, 25));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
    }
}
