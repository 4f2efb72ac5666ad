package org.vificlip.video;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.vificlip.data.NpyFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The golden video fixtures: directory from {@code -Dfixtures.videos}, else the project copy. */
public final class VideoFixtures {
    public static final Path DIR = Path.of(System.getProperty("fixtures.videos", "src/test/fixtures/videos"));

    /** One entry of videos.json. */
    public record Clip(String file, int frames, int width, int height, double fps, String codec, int[] testIndices8) {
        public Path path() {
            return DIR.resolve(file);
        }

        public String stem() {
            return file.substring(0, file.lastIndexOf('.'));
        }

        public boolean isH264() {
            return codec.equals("h264");
        }
    }

    private VideoFixtures() {
    }

    private static JsonObject json() throws IOException {
        return JsonParser.parseString(Files.readString(DIR.resolve("videos.json"))).getAsJsonObject();
    }

    public static List<Clip> clips() throws IOException {
        List<Clip> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : json().getAsJsonObject("videos").entrySet()) {
            if (!e.getValue().isJsonObject()) {
                continue;
            }
            JsonObject v = e.getValue().getAsJsonObject();
            int[] idx = new int[v.getAsJsonArray("test_mode_indices_8").size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = v.getAsJsonArray("test_mode_indices_8").get(i).getAsInt();
            }
            out.add(new Clip(e.getKey(), v.get("frames").getAsInt(), v.get("width").getAsInt(),
                    v.get("height").getAsInt(), v.get("fps").getAsDouble(), v.get("codec").getAsString(), idx));
        }
        return out;
    }

    public static List<Clip> h264Clips() throws IOException {
        return clips().stream().filter(Clip::isH264).toList();
    }

    public static List<String> badFiles() throws IOException {
        List<String> out = new ArrayList<>();
        json().getAsJsonObject("videos").getAsJsonArray("bad").forEach(e -> out.add(e.getAsString()));
        return out;
    }

    /** {@code <stem>.frames_rgb.npy} as frames. */
    public static List<RgbFrame> referenceFrames(Clip clip) throws IOException {
        NpyFile.Array a = NpyFile.read(DIR.resolve(clip.stem() + ".frames_rgb.npy"));
        int t = (int) a.shape()[0];
        int h = (int) a.shape()[1];
        int w = (int) a.shape()[2];
        List<RgbFrame> frames = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            frames.add(new RgbFrame(w, h, Arrays.copyOfRange(a.bytes(), i * w * h * 3, (i + 1) * w * h * 3)));
        }
        return frames;
    }

    /** {@code <stem>.preprocessed.npy}. */
    public static NpyFile.Array referenceTensor(Clip clip) throws IOException {
        return NpyFile.read(DIR.resolve(clip.stem() + ".preprocessed.npy"));
    }

    public static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return sum / (double) a.length;
    }

    public static double psnr(byte[] a, byte[] b) {
        double sse = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sse += d * d;
        }
        double mse = sse / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The fixtures README's tolerance for preprocessed tensors against ViFi-CLIP's: mean |diff| ≤ 0.02. */
    public static final double MAX_MEAN_ABS_TENSOR = 0.02;

    /** Asserts a preprocessed tensor is within {@link #MAX_MEAN_ABS_TENSOR} of the reference; prints and returns it. */
    public static double assertTensorClose(String what, float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, what + ": tensor size");
        double diff = meanAbsDiff(actual, expected);
        System.out.printf("%s: preprocessed mean|diff| %.7f%n", what, diff);
        assertTrue(diff <= MAX_MEAN_ABS_TENSOR, what + ": preprocessed mean |diff| " + diff);
        return diff;
    }

    public static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
