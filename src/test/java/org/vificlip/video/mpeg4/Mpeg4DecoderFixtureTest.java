package org.vificlip.video.mpeg4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.Yuv420Frame;

/**
 * Decodes the three MPEG-4 Part 2 fixture AVIs completely and compares frame count and the eight sampled
 * frames with FFmpeg's (fixtures README: per frame PSNR >= 30 dB and mean |diff| <= 2.0).
 */
class Mpeg4DecoderFixtureTest {
    static final Path FIXTURES = Path.of(System.getProperty("fixtures.videos", "src/test/fixtures/videos"));

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void decodesLikeFfmpeg(String name) throws Exception {
        JsonObject info = JsonParser.parseString(Files.readString(FIXTURES.resolve("videos.json")))
                .getAsJsonObject().getAsJsonObject("videos").getAsJsonObject(name);
        List<Yuv420Frame> frames = decodeAll(FIXTURES.resolve(name));

        assertEquals(info.get("frames").getAsInt(), frames.size(), name + ": presentation frame count");
        int width = info.get("width").getAsInt();
        int height = info.get("height").getAsInt();
        byte[] expected = readUint8Npy(FIXTURES.resolve(name.replace(".avi", ".frames_rgb.npy")));
        int frameBytes = width * height * 3;
        var indices = info.getAsJsonArray("test_mode_indices_8");
        assertEquals(indices.size() * frameBytes, expected.length, name + ": frames_rgb.npy size");
        StringBuilder report = new StringBuilder(name + ":");
        for (int k = 0; k < indices.size(); k++) {
            int index = indices.get(k).getAsInt();
            RgbFrame rgb = frames.get(index).toRgb();
            assertEquals(width, rgb.width());
            assertEquals(height, rgb.height());
            double sumAbs = 0;
            double sumSq = 0;
            for (int i = 0; i < frameBytes; i++) {
                int d = (rgb.rgb()[i] & 0xFF) - (expected[k * frameBytes + i] & 0xFF);
                sumAbs += Math.abs(d);
                sumSq += d * d;
            }
            double meanAbs = sumAbs / frameBytes;
            double psnr = sumSq == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 * frameBytes / sumSq);
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

    /** The data of a C-order uint8 .npy file. */
    static byte[] readUint8Npy(Path npy) throws IOException {
        byte[] b = Files.readAllBytes(npy);
        int headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        String header = new String(b, 10, headerLength, StandardCharsets.ISO_8859_1);
        if (!header.contains("'|u1'") || header.contains("'fortran_order': True")) {
            throw new IOException(npy + ": expected a C-order uint8 array, header " + header);
        }
        int start = 10 + headerLength;
        byte[] data = new byte[b.length - start];
        System.arraycopy(b, start, data, 0, data.length);
        return data;
    }
}
