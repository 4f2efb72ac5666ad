package org.vificlip.video;

import org.junit.jupiter.api.Test;
import org.vificlip.BadInputException;
import org.vificlip.data.NpyFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The video input's own fixtures (src/test/fixtures/videos-extra, made and decoded by FFmpeg). */
class ExtraVideoFixturesTest {
    static final Path DIR = Path.of(System.getProperty("fixtures.videosExtra", "src/test/fixtures/videos-extra"));

    @Test
    void multiSliceLongGopStreamMatchesFfmpeg() throws IOException {
        NpyFile.Array ref = NpyFile.read(DIR.resolve("h264_slices_gop12.frames_rgb.npy"));
        try (VideoReader reader = VideoReaders.open(DIR.resolve("h264_slices_gop12.mp4"))) {
            assertEquals(50, reader.info().frameCount());
            assertEquals(160, reader.info().width());
            assertEquals(120, reader.info().height());
            int[] indices = FrameSampler.testIndices(50, 8);
            assertArrayEquals(new int[]{3, 9, 15, 21, 28, 34, 40, 46}, indices);
            List<RgbFrame> frames = reader.read(indices);
            int frameBytes = 160 * 120 * 3;
            for (int t = 0; t < 8; t++) {
                byte[] expected = java.util.Arrays.copyOfRange(ref.bytes(), t * frameBytes, (t + 1) * frameBytes);
                double mad = VideoFixtures.meanAbsDiff(frames.get(t).rgb(), expected);
                double psnr = VideoFixtures.psnr(frames.get(t).rgb(), expected);
                assertTrue(mad <= 2.0 && psnr >= 35, "frame " + t + ": mean|diff| " + mad + ", PSNR " + psnr);
            }
        }
    }

    @Test
    void aStreamThatMakesJCodecSpinEndsInAClearError() {
        Path file = DIR.resolve("bad_cabac_endless_loop.mp4");
        long start = System.nanoTime();
        BadInputException e = assertThrows(BadInputException.class, () -> {
            try (VideoReader reader = Mp4H264Reader.open(file, 2000)) {
                int[] all = new int[reader.info().frameCount()];
                java.util.Arrays.setAll(all, i -> i);
                reader.read(all);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("did not finish"), e.getMessage());
        assertTrue(seconds < 60, "gave up after " + seconds + " s");
    }

    @Test
    void unsupportedStreamsAreNamedInTheError() {
        Map<String, String> expectedWords = Map.of(
                "bad_10bit.mp4", "10-bit",
                "bad_interlaced.mp4", "interlaced",
                "bad_yuv444.mp4", "4:4:4",
                "bad_vp9.webm", "WebM",
                "bad_mpeg4_in_mp4.mp4", "mp4v");
        expectedWords.forEach((file, word) -> {
            BadInputException e = assertThrows(BadInputException.class, () -> {
                try (VideoReader reader = VideoReaders.open(DIR.resolve(file))) {
                    reader.read(new int[]{0});
                }
            }, file);
            assertTrue(e.getMessage().contains(file) && e.getMessage().contains(word), e.getMessage());
            assertTrue(e.getMessage().contains("supported"), e.getMessage());
        });
    }
}
