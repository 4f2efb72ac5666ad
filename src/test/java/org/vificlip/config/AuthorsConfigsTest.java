package org.vificlip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 67 YAML files ViFi-CLIP ships (src/test/fixtures/vificlip-configs), read unchanged. */
class AuthorsConfigsTest {
    private static final Path CONFIGS = Path.of("src/test/fixtures/vificlip-configs");

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(CONFIGS)) {
            return walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static ViFiClipConfig load(String relative) throws IOException {
        return ViFiClipConfig.load(CONFIGS.resolve(relative), List.of());
    }

    @Test
    void everyFileLoadsWithTheValuesPyYamlReads() throws IOException {
        List<Path> files = yamlFiles();
        assertEquals(67, files.size());
        JsonObject reference = PythonValues.read("configs_as_pyyaml_reads_them.json");
        assertEquals(67, reference.size());
        for (Path file : files) {
            String name = CONFIGS.relativize(file).toString().replace('\\', '/');
            ViFiClipConfig config = ViFiClipConfig.load(file, List.of());
            assertEquals(file, config.source());
            // every key the file sets holds the value (and Python type) PyYAML + yacs's decoding give
            JsonObject expected = reference.getAsJsonObject(name);
            PythonValues.assertSame(expected, config.asNestedMap(), name);
        }
    }

    @Test
    void fullySupervisedK400() throws IOException {
        ViFiClipConfig c = load("fully_supervised/k400/16_16_vifi_clip.yaml");
        assertEquals(new ViFiClipConfig.Data("/PATH/TO/videos/folder", "datasets_splits/k400_splits/train.txt",
                "datasets_splits/k400_splits/val.txt", "kinetics400", 224, 16, 400, "labels/kinetics_400_labels.csv"),
                c.data());
        assertEquals("ViT-B/16", c.model().arch());
        assertEquals(4, c.train().batchSize());
        assertEquals(16, c.train().accumulationSteps());
        assertEquals(2.2e-5, c.train().lr());
        assertTrue(c.test().multiViewInference());
        assertEquals("both", c.trainer().use());
        assertFalse(c.trainer().zsEval());
        // not in the file: utils/config.py's defaults
        assertEquals(30, c.train().epochs());
        assertEquals(5, c.train().warmupEpochs());
        assertEquals(0.001, c.train().weightDecay());
        assertEquals("cosine", c.train().lrScheduler());
        assertEquals("adamw", c.train().optimizer());
        assertEquals("O1", c.train().optLevel());
        assertEquals(new ViFiClipConfig.Aug(0.1, 0.8, 0.2, 0.8, 1.0, 0.5), c.aug());
        assertEquals(1, c.test().numClip());
        assertEquals(1, c.test().numCrop());
        assertNull(c.model().pretrained());
        assertNull(c.model().resume());
        assertTrue(c.model().fixText());
        assertEquals(1, c.saveFreq());
        assertEquals(50, c.printFreq());
        assertEquals(1024L, c.seed());
        assertEquals("", c.output());
        assertEquals(List.of(""), c.asNestedMap().get("BASE"));
    }

    @Test
    void promptingBase2Novel() throws IOException {
        ViFiClipConfig c = load("base2novel/prompting_base2novel/hmdb/16_32_prompting_s1.yaml");
        assertEquals(new ViFiClipConfig.ViFiClip(true, 16, 16, "a photo of a", 9, 9, "both", false), c.trainer());
        assertEquals(0.04, c.train().lr());  // written "4.e-02"
        assertEquals(11, c.train().epochs());
        assertEquals(2, c.train().accumulationSteps());
        assertEquals(32, c.data().numFrames());
        assertEquals(26, c.data().numClasses());
        assertEquals(10, c.saveFreq());
    }

    @Test
    void zeroShotEval() throws IOException {
        ViFiClipConfig c = load("zero_shot/eval/k600/16_32_K600_ZS_split1.yaml");
        assertEquals(2e-6, c.train().lr());  // written "2.e-6"
        assertEquals(50, c.train().epochs());
        assertEquals(160, c.data().numClasses());
        assertEquals("labels/ZS_split1_K600.csv", c.data().labelList());
    }

    @Test
    void everyFileRoundTripsThroughToYaml(@TempDir Path dir) throws IOException {
        int i = 0;
        for (Path file : yamlFiles()) {
            ViFiClipConfig c = ViFiClipConfig.load(file, List.of());
            Path written = dir.resolve("config" + (i++) + ".yaml");
            Files.writeString(written, c.toYaml());
            ViFiClipConfig back = ViFiClipConfig.load(written, List.of());
            assertEquals(c, back, file.toString());
            assertEquals(c.asNestedMap(), back.asNestedMap(), file.toString());
        }
    }

    @Test
    void nestedMapHasEveryKeyInUtilsConfigOrder() throws IOException {
        ViFiClipConfig c = load("fully_supervised/k400/16_16_vifi_clip.yaml");
        Map<String, Object> m = c.asNestedMap();
        assertEquals(List.of("BASE", "DATA", "MODEL", "TRAINER", "TRAIN", "AUG", "TEST", "OUTPUT", "SAVE_FREQ",
                "PRINT_FREQ", "SEED"), List.copyOf(m.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> vifi = (Map<String, Object>) ((Map<String, Object>) m.get("TRAINER")).get("ViFi_CLIP");
        assertEquals(List.of("PROMPT_MODEL", "N_CTX_VISION", "N_CTX_TEXT", "CTX_INIT", "PROMPT_DEPTH_VISION",
                "PROMPT_DEPTH_TEXT", "USE", "ZS_EVAL"), List.copyOf(vifi.keySet()));
        // a copy: changing it does not change the config
        m.put("OUTPUT", "elsewhere");
        vifi.put("USE", "text");
        assertEquals("", c.output());
        assertEquals("", c.asNestedMap().get("OUTPUT"));
        assertEquals("both", c.trainer().use());
    }
}
