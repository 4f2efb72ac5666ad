package org.vificlip.video.avi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.data.NpyFile;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.vificlip.video.avi.AviFixtures.*;

/**
 * The AVI reader against FFmpeg: frame counts of videos.json and the 8 test-mode frames FFmpeg decoded
 * (fixtures README: per frame PSNR >= 30 dB and mean |diff| <= 2.0 for MPEG-4 Part 2).
 */
class AviVideoReaderTest {
    private static final double MIN_PSNR = 30.0;
    private static final double MAX_MEAN_ABS = 2.0;

    @TempDir
    Path tmp;

    private static void assertFramesMatch(String name, int[] indices, List<RgbFrame> frames, int[] npyRows)
            throws IOException {
        NpyFile.Array expected = readFrames(dir().resolve(name.replace(".avi", ".frames_rgb.npy")));
        assertEquals(indices.length, frames.size());
        for (int i = 0; i < indices.length; i++) {
            double[] m = compare(frames.get(i), expected, npyRows[i]);
            assertTrue(m[0] >= MIN_PSNR, name + " frame " + indices[i] + ": PSNR " + m[0] + " dB");
            assertTrue(m[1] <= MAX_MEAN_ABS, name + " frame " + indices[i] + ": mean |diff| " + m[1]);
        }
    }

    private static int[] rows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void infoMatchesVideosJson(String name) throws IOException {
        var expected = video(name);
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            assertInstanceOf(AviVideoReader.class, reader, "AVI is registered in VideoReaders");
            assertEquals(expected.get("frames").getAsInt(), reader.info().frameCount());
            assertEquals(expected.get("width").getAsInt(), reader.info().width());
            assertEquals(expected.get("height").getAsInt(), reader.info().height());
            assertEquals(expected.get("fps").getAsDouble(), reader.info().fps(), 1e-9);
            assertEquals("mpeg4 " + expected.get("profile").getAsString() + " (xvid)", reader.info().codec());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void theEightTestFramesInOneCall(String name) throws IOException {
        int[] indices = testIndices(name);
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            assertFramesMatch(name, indices, reader.read(indices), rows(indices.length));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void lateFramesAloneSeekToTheirKeyFrame(String name) throws IOException {
        int[] indices = testIndices(name);
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            // backwards, one at a time: every read starts afresh from a key frame
            for (int i = indices.length - 1; i >= indices.length - 3; i--) {
                assertFramesMatch(name, new int[]{indices[i]}, reader.read(new int[]{indices[i]}), new int[]{i});
            }
        }
    }

    @Test
    void unsortedAndRepeatedIndices() throws IOException {
        String name = "xvid_asp_bframes.avi";
        int[] t = testIndices(name);
        int[] indices = {t[6], t[1], t[6], t[0], t[7], t[3]};
        int[] npyRows = {6, 1, 6, 0, 7, 3};
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            assertFramesMatch(name, indices, reader.read(indices), npyRows);
            assertThrows(IllegalArgumentException.class, () -> reader.read(new int[]{reader.info().frameCount()}));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_asp_bframes.avi"})
    void everyFrameReadAloneEqualsTheSameFrameOfOneForwardPass(String name) throws IOException {
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            int n = reader.info().frameCount();
            int[] all = new int[n];
            java.util.Arrays.setAll(all, i -> i);
            List<RgbFrame> forward = reader.read(all);
            for (int k = n - 1; k >= 0; k--) {
                assertArrayEquals(forward.get(k).rgb(), reader.read(new int[]{k}).get(0).rgb(), name + " frame " + k);
            }
        }
    }

    @Test
    void divx5PackedBitstreamLabelGivesTheSameFrames() throws IOException {
        // The same packed B-frames labelled as DivX 5 writes them (FourCC DX50, user data "DivX503b1393p"):
        // FFmpeg unpacks both alike, and so must we, whatever the decoder does with the 'p' flag.
        String name = "xvid_asp_bframes.avi";
        Path file = tmp.resolve("divx5.avi");
        Files.write(file, AviVariants.asDivxPacked(dir().resolve(name)));
        int[] indices = testIndices(name);
        try (VideoReader reader = VideoReaders.open(file)) {
            assertEquals(video(name).get("frames").getAsInt(), reader.info().frameCount());
            assertTrue(reader.info().codec().endsWith("(DX50)"), reader.info().codec());
            assertFramesMatch(name, indices, reader.read(indices), rows(indices.length));
            assertFramesMatch(name, new int[]{indices[7]}, reader.read(new int[]{indices[7]}), new int[]{7});
        }
    }

    @Test
    void keyFrameLookupSkipsBFramesThatNeedTheGopBefore() throws IOException {
        // In xvid_asp_bframes.avi the key chunk 12 carries I-VOP 12 packed with B-VOP 10, which refers back to
        // P-VOP 9: frame 10 must be decoded from the key frame before, frame 12 from chunk 12.
        try (AviVideoReader reader = (AviVideoReader) VideoReaders.open(dir().resolve("xvid_asp_bframes.avi"))) {
            assertEquals(12, reader.chunkOfFrame(10));
            assertEquals(12, reader.chunkOfFrame(12));
            assertEquals(48, reader.chunkOfFrame(47), "FFmpeg's last frame is the final I-VOP");
        }
    }

    @Test
    void layoutsWithoutIdx1OrWithOpenDmlIndexesDecodeTheSame() throws IOException {
        for (String name : AVIS) {
            Path f = dir().resolve(name);
            int[] indices = testIndices(name);
            for (byte[] variant : List.of(AviVariants.withoutIdx1(Files.readAllBytes(f)), AviVariants.openDml(f, 25))) {
                Path file = tmp.resolve("v_" + name);
                Files.write(file, variant);
                try (VideoReader reader = VideoReaders.open(file)) {
                    assertEquals(video(name).get("frames").getAsInt(), reader.info().frameCount());
                    assertFramesMatch(name, indices, reader.read(indices), rows(indices.length));
                }
            }
        }
    }
}
