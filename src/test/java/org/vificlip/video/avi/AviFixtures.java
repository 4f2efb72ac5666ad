package org.vificlip.video.avi;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.vificlip.data.NpyFile;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoFixtures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helpers: the video fixtures (FFmpeg's frames), frame comparison, and an AVI writer for variants. */
final class AviFixtures {
    static final List<String> AVIS = List.of("mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi");

    private AviFixtures() {
    }

    static Path dir() {
        return VideoFixtures.DIR;
    }

    static JsonObject video(String name) throws IOException {
        JsonObject all = JsonParser.parseString(Files.readString(dir().resolve("videos.json"))).getAsJsonObject();
        return all.getAsJsonObject("videos").getAsJsonObject(name);
    }

    static int[] testIndices(String name) throws IOException {
        var array = video(name).getAsJsonArray("test_mode_indices_8");
        int[] indices = new int[array.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = array.get(i).getAsInt();
        }
        return indices;
    }

    /** A uint8 [N,H,W,3] .npy array of FFmpeg's frames. */
    static NpyFile.Array readFrames(Path file) throws IOException {
        NpyFile.Array array = NpyFile.read(file);
        assertEquals("|u1", array.dtype(), file + " dtype");
        assertEquals(4, array.shape().length, file + " rank");
        return array;
    }

    /** PSNR in dB and mean absolute difference of a frame against frame {@code i} of an [N,H,W,3] array. */
    static double[] compare(RgbFrame frame, NpyFile.Array expected, int i) {
        int h = (int) expected.shape()[1];
        int w = (int) expected.shape()[2];
        assertEquals(w, frame.width(), "width");
        assertEquals(h, frame.height(), "height");
        int size = w * h * 3;
        byte[] want = Arrays.copyOfRange(expected.bytes(), i * size, (i + 1) * size);
        return new double[]{VideoFixtures.psnr(frame.rgb(), want), VideoFixtures.meanAbsDiff(frame.rgb(), want)};
    }

    // ------------------------------------------------------------------ writing AVI variants

    static byte[] chunk(String id, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(id.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le32(data.length));
        out.writeBytes(data);
        if ((data.length & 1) == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] list(String outer, String type, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] c : children) {
            body.writeBytes(c);
        }
        return chunk(outer, body.toByteArray());
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static byte[] le32(long v) {
        return new byte[]{(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static byte[] le16(int v) {
        return new byte[]{(byte) v, (byte) (v >> 8)};
    }

    static byte[] le64(long v) {
        return concat(List.of(le32(v), le32(v >> 32)));
    }

    static void putLe32(byte[] b, int at, long v) {
        System.arraycopy(le32(v), 0, b, at, 4);
    }

    static long getLe32(byte[] b, int at) {
        return AviFile.u32(b, at);
    }

    /** Offset of the first occurrence of {@code fourCC} in {@code b}, or -1. */
    static int find(byte[] b, String fourCC) {
        byte[] f = fourCC.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + 4 <= b.length; i++) {
            for (int j = 0; j < 4; j++) {
                if (b[i + j] != f[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
