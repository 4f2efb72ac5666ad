package org.vificlip.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vificlip bench} on the small CLIP: backend, device, the anchors' keys, and the ratios to an anchor. */
class BenchCommandTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    Path tmp;

    @Test
    void reportsBackendDeviceAndTheAnchorsKeys() throws Exception {
        String caseName = "clip_small_B2_T2_C3_fp32";
        Path anchor = tmp.resolve("anchor.json");
        Files.writeString(anchor, "{\"device\": \"test\", \"" + caseName + "\": {\"train_step_s\": 2.0,"
                + " \"infer_frames_per_s\": 1000.0}}");
        Path out = tmp.resolve("bench.json");
        assertEquals(0, cli.run("bench", "--weights", ClipFixtures.torchScript().toString(), "--batch", "2",
                "--num-frames", "2", "--classes", "3", "--steps", "2", "--warmup", "1", "--anchor", anchor.toString(),
                "--out", out.toString()), cli.stderr());
        JsonObject r = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals("CpuBackend", r.get("backend").getAsString());
        assertTrue(r.get("device").getAsString().contains("cores"), r.get("device").getAsString());
        assertEquals("CPU", r.getAsJsonObject("nd4j_environment").get("backend").getAsString());
        JsonObject numbers = r.getAsJsonObject(caseName);
        double step = numbers.get("train_step_s").getAsDouble();
        assertTrue(step > 0);
        assertEquals(2 / step, numbers.get("train_videos_per_s").getAsDouble(), 1e-9);
        assertEquals(4 / step, numbers.get("train_frames_per_s").getAsDouble(), 1e-9);
        assertTrue(numbers.get("train_peak_gib").getAsDouble() > 0.05, "the JVM alone is more than 50 MB");
        double infer = numbers.get("infer_frames_per_s").getAsDouble();
        assertTrue(infer > 0);
        JsonObject ratios = r.getAsJsonObject("compared_with");
        assertEquals(step / 2.0, ratios.get("train_step_s_ratio").getAsDouble(), 1e-9);
        assertEquals(infer / 1000.0, ratios.get("infer_frames_per_s_ratio").getAsDouble(), 1e-9);
        assertTrue(JsonParser.parseString(cli.stdout()).isJsonObject(), "standard output is the JSON alone");
    }

    @Test
    void architectureNamesFollowTheAnchors() {
        assertEquals("vit_b16", BenchCommand.archName(org.vificlip.checkpoint.OpenAiModels.VIT.get("ViT-B/16")));
        assertEquals("vit_l14_336px", BenchCommand.archName(org.vificlip.checkpoint.OpenAiModels.VIT.get("ViT-L/14@336px")));
    }
}
