package org.vificlip.video.mpeg4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.data.NpyFile;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoFixtures;
import org.vificlip.video.Yuv420Frame;

/**
 * Decodes the three MPEG-4 Part 2 fixture AVIs completely and compares frame count and the eight sampled
 * frames with FFmpeg's (fixtures README: per frame PSNR >= 30 dB and mean |diff| <= 2.0).
 */
class Mpeg4DecoderFixtureTest {
    static final Path FIXTURES = VideoFixtures.DIR;

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void decodesLikeFfmpeg(String name) throws Exception {
        JsonObject info = JsonParser.parseString(Files.readString(FIXTURES.resolve("videos.json")))
                .getAsJsonObject().getAsJsonObject("videos").getAsJsonObject(name);
        List<Yuv420Frame> frames = decodeAll(FIXTURES.resolve(name));

        assertEquals(info.get("frames").getAsInt(), frames.size(), name + ": presentation frame count");
        int width = info.get("width").getAsInt();
        int height = info.get("height").getAsInt();
        NpyFile.Array frameArray = NpyFile.read(FIXTURES.resolve(name.replace(".avi", ".frames_rgb.npy")));
        assertEquals("|u1", frameArray.dtype(), name + ": frames_rgb.npy dtype");
        byte[] expected = frameArray.bytes();
        int frameBytes = width * height * 3;
        var indices = info.getAsJsonArray("test_mode_indices_8");
        assertEquals(indices.size() * frameBytes, expected.length, name + ": frames_rgb.npy size");
        StringBuilder report = new StringBuilder(name + ":");
        for (int k = 0; k < indices.size(); k++) {
            int index = indices.get(k).getAsInt();
            RgbFrame rgb = frames.get(index).toRgb();
            assertEquals(width, rgb.width());
            assertEquals(height, rgb.height());
            byte[] want = Arrays.copyOfRange(expected, k * frameBytes, (k + 1) * frameBytes);
            double meanAbs = VideoFixtures.meanAbsDiff(rgb.rgb(), want);
            double psnr = VideoFixtures.psnr(rgb.rgb(), want);
            report.append(String.format(" #%d %.1fdB/%.3f", index, psnr, meanAbs));
            assertTrue(psnr >= 30, name + " frame " + index + ": PSNR " + psnr);
            assertTrue(meanAbs <= 2.0, name + " frame " + index + ": mean |diff| " + meanAbs);
        }
        System.out.println(report);
    }

    static List<Yuv420Frame> decodeAll(Path avi) throws IOException, Mpeg4Exception {
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        List<Yuv420Frame> frames = new ArrayList<>();
        for (byte[] chunk : AviChunks.read(avi)) {
            frames.addAll(decoder.decode(chunk));
        }
        frames.addAll(decoder.flush());
        return frames;
    }
}
