package org.vificlip.video;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vificlip.BadInputException;
import org.vificlip.data.NpyFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every H.264 fixture clip decoded and preprocessed against FFmpeg/OpenCV/ViFi-CLIP's own output. */
class H264FixturesTest {
    /** Fixture README tolerances. */
    static final double MAX_MEAN_ABS_PIXEL = 2.0;
    static final double MIN_PSNR_DB = 35.0;

    @TestFactory
    List<DynamicTest> h264ClipsMatchReference() throws IOException {
        List<VideoFixtures.Clip> clips = VideoFixtures.h264Clips();
        assertFalse(clips.isEmpty(), "no H.264 clips in " + VideoFixtures.DIR);
        List<DynamicTest> tests = new ArrayList<>();
        for (VideoFixtures.Clip clip : clips) {
            tests.add(DynamicTest.dynamicTest(clip.file(), () -> checkClip(clip)));
        }
        return tests;
    }

    private static void checkClip(VideoFixtures.Clip clip) throws IOException {
        try (VideoReader reader = VideoReaders.open(clip.path())) {
            VideoInfo info = reader.info();
            assertEquals(clip.frames(), info.frameCount(), "frame count");
            assertEquals(clip.width(), info.width(), "width");
            assertEquals(clip.height(), info.height(), "height");
            assertEquals(clip.fps(), info.fps(), 1e-6, "fps");

            int[] indices = FrameSampler.testIndices(info.frameCount(), 8);
            assertArrayEquals(clip.testIndices8(), indices, "test-mode indices");

            List<RgbFrame> frames = reader.read(indices);
            List<RgbFrame> reference = VideoFixtures.referenceFrames(clip);
            assertEquals(reference.size(), frames.size());
            for (int t = 0; t < frames.size(); t++) {
                RgbFrame ours = frames.get(t);
                RgbFrame ref = reference.get(t);
                assertEquals(ref.width(), ours.width());
                assertEquals(ref.height(), ours.height());
                double mad = VideoFixtures.meanAbsDiff(ours.rgb(), ref.rgb());
                double psnr = VideoFixtures.psnr(ours.rgb(), ref.rgb());
                System.out.printf("%s frame %d (index %d): mean|diff| %.4f, PSNR %.2f dB%n",
                        clip.file(), t, indices[t], mad, psnr);
                assertTrue(mad <= MAX_MEAN_ABS_PIXEL, clip.file() + " frame " + t + " mean|diff| " + mad);
                assertTrue(psnr >= MIN_PSNR_DB, clip.file() + " frame " + t + " PSNR " + psnr);
            }

            FrameTensor tensor = Preprocessing.test(frames, 224, Normalization.VIFI_CLIP);
            NpyFile.Array expected = VideoFixtures.referenceTensor(clip);
            assertArrayEquals(expected.shape(), tensor.shape());
            VideoFixtures.assertTensorClose(clip.file() + " (our decode)", tensor.data(), expected.floats());
        }
    }

    @TestFactory
    List<DynamicTest> randomAccessGivesTheSameFramesAsOneForwardPass() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (VideoFixtures.Clip clip : VideoFixtures.h264Clips()) {
            tests.add(DynamicTest.dynamicTest(clip.file(), () -> {
                int n = clip.frames();
                int[] all = new int[n];
                Arrays.setAll(all, i -> i);
                List<RgbFrame> forward;
                try (VideoReader reader = VideoReaders.open(clip.path())) {
                    forward = reader.read(all);
                }
                // backwards, repeated, and a second read on the same reader (decoder already past them)
                int[] scattered = {n - 1, 0, n / 2, n / 2, 1, n - 2};
                try (VideoReader reader = VideoReaders.open(clip.path())) {
                    reader.read(new int[]{n - 1});
                    List<RgbFrame> got = reader.read(scattered);
                    for (int i = 0; i < scattered.length; i++) {
                        assertArrayEquals(forward.get(scattered[i]).rgb(), got.get(i).rgb(),
                                clip.file() + " frame " + scattered[i]);
                    }
                }
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> badFilesAreRejectedWithTheirName() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String bad : VideoFixtures.badFiles()) {
            tests.add(DynamicTest.dynamicTest(bad, () -> {
                BadInputException e = assertThrows(BadInputException.class, () -> {
                    try (VideoReader reader = VideoReaders.open(VideoFixtures.DIR.resolve(bad))) {
                        reader.read(FrameSampler.testIndices(reader.info().frameCount(), 8));
                    }
                });
                System.out.println(bad + " -> " + e.getMessage());
                assertTrue(e.getMessage().contains(bad), e.getMessage());
                assertTrue(e.getMessage().length() > bad.length() + 20, "message explains the problem: " + e.getMessage());
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> aviFilesOpenOrGiveAClearError() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (VideoFixtures.Clip clip : VideoFixtures.clips()) {
            if (!clip.file().endsWith(".avi")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(clip.file(), () -> {
                try (VideoReader reader = VideoReaders.open(clip.path())) {
                    // the AVI format is registered: its own tests check the frames; the count must agree
                    assertEquals(clip.frames(), reader.info().frameCount());
                } catch (BadInputException e) {
                    assertTrue(e.getMessage().contains(clip.file()) && e.getMessage().contains("AVI"), e.getMessage());
                }
            }));
        }
        return tests;
    }
}
