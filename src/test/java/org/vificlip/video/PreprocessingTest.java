package org.vificlip.video;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vificlip.data.NpyFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreprocessingTest {
    /** The preprocessing alone: FFmpeg's reference frames through our pipeline vs ViFi-CLIP's tensors. */
    @TestFactory
    List<DynamicTest> referenceFramesGiveReferenceTensors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (VideoFixtures.Clip clip : VideoFixtures.clips()) {
            tests.add(DynamicTest.dynamicTest(clip.file(), () -> {
                List<RgbFrame> frames = VideoFixtures.referenceFrames(clip);
                FrameTensor tensor = Preprocessing.test(frames, 224, Normalization.VIFI_CLIP);
                NpyFile.Array expected = VideoFixtures.referenceTensor(clip);
                assertArrayEquals(expected.shape(), tensor.shape());
                VideoFixtures.assertTensorClose(clip.file() + " (reference frames)", tensor.data(), expected.floats());
            }));
        }
        return tests;
    }

    @Test
    void resizedSizeFollowsMmcvRescaleSize() {
        assertArrayEquals(new int[]{341, 256}, Preprocessing.rescaledSize(320, 240, 256));
        assertArrayEquals(new int[]{453, 256}, Preprocessing.rescaledSize(322, 182, 256));
        assertArrayEquals(new int[]{256, 341}, Preprocessing.rescaledSize(240, 320, 256));
        assertEquals(256, Preprocessing.testResizeShortSide(224));
        assertEquals(329, Preprocessing.testResizeShortSide(288));
    }

    @Test
    void resizingToTheSameSizeIsTheIdentity() {
        RgbFrame frame = randomFrame(37, 23, 1);
        assertArrayEquals(frame.rgb(), BilinearResize.resize(frame, 37, 23).rgb());
    }

    @Test
    void threeCropsSitAtStartEndAndMiddleOfTheLongSide() {
        RgbFrame frame = randomFrame(300, 224, 2);
        FrameTensor three = Preprocessing.testThreeCrop(List.of(frame), 224, Normalization.VIFI_CLIP);
        assertArrayEquals(new long[]{3, 3, 224, 224}, three.shape());
        // short side already 224: crops are plain windows at x = 0, 76, 38
        int[] xs = {0, 76, 38};
        int plane = 224 * 224;
        for (int c = 0; c < 3; c++) {
            RgbFrame window = Preprocessing.crop(frame, xs[c], 0, 224, 224);
            float expected = (window.at(5, 7, 1) - Normalization.VIFI_CLIP.mean()[1]) / Normalization.VIFI_CLIP.std()[1];
            assertEquals(expected, three.data()[c * 3 * plane + plane + 7 * 224 + 5], 1e-5);
        }
    }

    @Test
    void trainPipelineIsSeededAndShaped() {
        List<RgbFrame> frames = List.of(randomFrame(320, 240, 3), randomFrame(320, 240, 4));
        FrameTensor a = Preprocessing.train(frames, 112, Normalization.VIFI_CLIP, new Random(7));
        FrameTensor b = Preprocessing.train(frames, 112, Normalization.VIFI_CLIP, new Random(7));
        assertArrayEquals(new long[]{2, 3, 112, 112}, a.shape());
        assertArrayEquals(a.data(), b.data());
        boolean differs = false;
        for (long seed = 8; seed < 12 && !differs; seed++) {
            FrameTensor c = Preprocessing.train(frames, 112, Normalization.VIFI_CLIP, new Random(seed));
            differs = !Arrays.equals(a.data(), c.data());
        }
        assertTrue(differs, "other seeds give other augmentations");
    }

    @Test
    void multiScaleCropStaysInsideAndUsesTheConfiguredScales() {
        Random rng = new Random(1);
        for (int i = 0; i < 500; i++) {
            int[] crop = Preprocessing.multiScaleCrop(341, 256, 224, rng);
            assertTrue(crop[0] >= 0 && crop[1] >= 0 && crop[0] + crop[2] <= 341 && crop[1] + crop[3] <= 256);
            for (int k = 2; k < 4; k++) {
                int s = crop[k];
                assertTrue(s == 256 || s == 224 || s == 192 || s == 168, "crop side " + s);
            }
        }
    }

    @Test
    void grayscaleAndFlip() {
        RgbFrame frame = randomFrame(4, 2, 5);
        RgbFrame gray = Preprocessing.grayscale(frame);
        assertEquals(gray.at(1, 1, 0), gray.at(1, 1, 2));
        assertEquals(Preprocessing.luma(frame.at(1, 1, 0), frame.at(1, 1, 1), frame.at(1, 1, 2)), gray.at(1, 1, 1));
        RgbFrame flipped = Preprocessing.flipHorizontal(frame);
        assertEquals(frame.at(0, 1, 2), flipped.at(3, 1, 2));
        assertFalse(Arrays.equals(frame.rgb(), flipped.rgb()));
    }

    static RgbFrame randomFrame(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbFrame(w, h, rgb);
    }
}
