package org.vificlip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;

/** Merging, type checks, validation and errors, each as yacs / ViFi-CLIP's utils/config.py define them. */
class ViFiClipConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, yaml);
        return p;
    }

    private static ViFiClipConfig load(Path yaml, String... opts) throws BadInputException {
        return ViFiClipConfig.load(yaml, Arrays.asList(opts));
    }

    /** The load fails; the message names every given fragment (key, file, value...). */
    private static BadInputException refused(Path yaml, List<String> opts, String... fragments) {
        BadInputException e = assertThrows(BadInputException.class, () -> ViFiClipConfig.load(yaml, opts));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
        return e;
    }

    private Path minimal() throws IOException {
        return write("min.yaml", "TRAIN:\n  EPOCHS: 10\n");
    }

    // ----------------------------------------------------------------------------------------------
    // defaults

    @Test
    void defaultsAreUtilsConfigPy() throws IOException {
        ViFiClipConfig c = load(write("empty-section.yaml", "DATA: {}\n"));
        assertEquals(new ViFiClipConfig.Data("", "", "", "kinetics400", 224, 8, 400, "labels/kinetics_400_labels.csv"), c.data());
        assertEquals(new ViFiClipConfig.Model("ViT-B/32", 0.0, null, null, true), c.model());
        assertEquals(new ViFiClipConfig.ViFiClip(false, 0, 0, "a photo of a", 0, 1, "both", false), c.trainer());
        assertEquals(new ViFiClipConfig.Train(30, 5, 0.001, 8e-6, 8, 1, "cosine", "adamw", "O1", false, false), c.train());
        assertEquals(new ViFiClipConfig.Aug(0.1, 0.8, 0.2, 0.8, 1.0, 0.5), c.aug());
        assertEquals(new ViFiClipConfig.Test(1, 1, false, false), c.test());
        assertEquals("", c.output());
        assertEquals(1, c.saveFreq());
        assertEquals(50, c.printFreq());
        assertEquals(1024L, c.seed());
    }

    // ----------------------------------------------------------------------------------------------
    // unknown keys and types

    @Test
    void unknownKeyInFileNamesKeyAndFile() throws IOException {
        Path f = write("typo.yaml", "TRAIN:\n  EPOCHZ: 3\n");
        refused(f, List.of(), "TRAIN.EPOCHZ", f.toString(), "unknown config key");
        Path top = write("top.yaml", "FOO: 1\n");
        refused(top, List.of(), "FOO", top.toString());
        Path deep = write("deep.yaml", "TRAINER:\n  ViFi_CLIP:\n    N_CTX: 4\n");
        refused(deep, List.of(), "TRAINER.ViFi_CLIP.N_CTX", deep.toString());
        Path cased = write("case.yaml", "TRAINER:\n  VIFI_CLIP:\n    USE: image\n");
        refused(cased, List.of(), "TRAINER.VIFI_CLIP", "did you mean TRAINER.ViFi_CLIP?");
        Path local = write("local.yaml", "LOCAL_RANK: 0\n");  // main.py adds it after the merge: not a file key
        refused(local, List.of(), "LOCAL_RANK");
    }

    @Test
    void unknownKeyInOptsSaysOpts() throws IOException {
        refused(minimal(), List.of("TRAIN.EPOCHZ", "3"), "TRAIN.EPOCHZ", "--opts", "unknown config key");
        refused(minimal(), List.of("TRAIN.EPOCHS.X", "3"), "TRAIN.EPOCHS.X", "--opts");
        refused(minimal(), List.of("TRAIN", "3"), "TRAIN", "--opts", "is a section");
    }

    @Test
    void wrongTypeNamesKeyTypeValueAndFile() throws IOException {
        Path f = write("bad-type.yaml", "TRAIN:\n  EPOCHS: ten\n");
        refused(f, List.of(), "TRAIN.EPOCHS", "expected int", "'ten'", "(str)", f.toString());
        // bool is not an int to yacs (type(True) is bool), nor a float an int
        refused(write("b.yaml", "TRAIN:\n  EPOCHS: true\n"), List.of(), "TRAIN.EPOCHS", "expected int", "True");
        refused(write("c.yaml", "TRAIN:\n  EPOCHS: 3.0\n"), List.of(), "TRAIN.EPOCHS", "expected int", "3.0", "(float)");
        refused(write("d.yaml", "TEST:\n  ONLY_TEST: 1\n"), List.of(), "TEST.ONLY_TEST", "expected bool", "(int)");
        refused(write("e.yaml", "DATA:\n  DATASET: 5\n"), List.of(), "DATA.DATASET", "expected str");
        refused(write("f.yaml", "TRAIN: 5\n"), List.of(), "TRAIN", "expected a mapping", "(int)");
        refused(write("g.yaml", "TRAIN:\n  LR: [1, 2]\n"), List.of(), "TRAIN.LR", "expected float", "[1, 2]", "(list)");
        refused(write("h.yaml", "TRAIN:\n  LR: {a: 1}\n"), List.of(), "TRAIN.LR", "expected float", "(dict)");
        // yacs would take None for any key; here only where the default is None
        refused(write("i.yaml", "TRAIN:\n  LR: null\n"), List.of(), "TRAIN.LR", "None");
        refused(write("j.yaml", "TRAIN:\n  EPOCHS: 99999999999\n"), List.of(), "TRAIN.EPOCHS", "out of range");
        refused(minimal(), List.of("TRAIN.EPOCHS", "3.5"), "TRAIN.EPOCHS", "expected int", "3.5", "--opts");
        refused(minimal(), List.of("TEST.ONLY_TEST", "true"), "TEST.ONLY_TEST", "'true'", "--opts");  // Python: True
    }

    @Test
    void floatKeysTakeIntsAndPyYamlStrings() throws IOException {
        // "1e-4" is a string to PyYAML (YAML 1.1 floats need a dot); yacs's literal_eval makes it a float
        ViFiClipConfig c = load(write("f.yaml", "TRAIN:\n  LR: 1e-4\n  WEIGHT_DECAY: 0\nAUG:\n  CUTMIX: '2'\n"));
        assertEquals(1e-4, c.train().lr());
        assertEquals(0.0, c.train().weightDecay());  // int widened (yacs would refuse)
        assertEquals(2.0, c.aug().cutmix());
    }

    @Test
    void pathOrNoneKeys() throws IOException {
        ViFiClipConfig c = load(write("p.yaml", "MODEL:\n  PRETRAINED: /ckpt/k400.pth\n  RESUME: ~\n"));
        assertEquals("/ckpt/k400.pth", c.model().pretrained());
        assertNull(c.model().resume());
        assertEquals("r.pth", load(minimal(), "MODEL.RESUME", "r.pth").model().resume());
        assertNull(load(minimal(), "MODEL.RESUME", "None").model().resume());
        refused(write("q.yaml", "MODEL:\n  PRETRAINED: 5\n"), List.of(), "MODEL.PRETRAINED", "expected str or None", "5");
    }

    // ----------------------------------------------------------------------------------------------
    // --opts

    @Test
    void optsOverrideAsMergeFromList() throws IOException {
        ViFiClipConfig c = load(minimal(), "TRAIN.EPOCHS", "3", "TRAIN.LR", "1e-4");
        assertEquals(3, c.train().epochs());
        assertEquals(1e-4, c.train().lr());
        ViFiClipConfig d = load(minimal(), "TRAINER.ViFi_CLIP.CTX_INIT", "'a video of a'", "DATA.ROOT", "/data/k400",
                "TEST.MULTI_VIEW_INFERENCE", "True", "SEED", "7", "OUTPUT", "runs/x", "BASE", "['a.yaml']");
        assertEquals("a video of a", d.trainer().ctxInit());
        assertEquals("/data/k400", d.data().root());
        assertEquals(true, d.test().multiViewInference());
        assertEquals(7L, d.seed());
        assertEquals("runs/x", d.output());
        assertEquals(List.of("a.yaml"), d.asNestedMap().get("BASE"));  // set, not included (as yacs)
        assertEquals(10, load(minimal(), "TRAIN.EPOCHS", "10").train().epochs());
        assertEquals(10, load(minimal()).train().epochs());
        // later pairs win
        assertEquals(4, load(minimal(), "TRAIN.EPOCHS", "3", "TRAIN.EPOCHS", "4").train().epochs());
    }

    @Test
    void oddOptsRefused() throws IOException {
        refused(minimal(), List.of("TRAIN.EPOCHS", "3", "TRAIN.LR"), "--opts", "odd number", "TRAIN.LR");
    }

    // ----------------------------------------------------------------------------------------------
    // validation

    @Test
    void valuesThatWouldBreakTrainingAreRefusedWithKeyAndFile() throws IOException {
        String[][] bad = {
            {"TRAINER:\n  ViFi_CLIP:\n    USE: all\n", "TRAINER.ViFi_CLIP.USE"},
            {"TRAINER:\n  ViFi_CLIP:\n    N_CTX_TEXT: -1\n", "TRAINER.ViFi_CLIP.N_CTX_TEXT"},
            {"TRAINER:\n  ViFi_CLIP:\n    N_CTX_VISION: -2\n", "TRAINER.ViFi_CLIP.N_CTX_VISION"},
            {"TRAINER:\n  ViFi_CLIP:\n    PROMPT_DEPTH_VISION: 13\n", "TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION"},
            {"TRAINER:\n  ViFi_CLIP:\n    PROMPT_DEPTH_TEXT: -1\n", "TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT"},
            {"DATA:\n  NUM_FRAMES: 0\n", "DATA.NUM_FRAMES"},
            {"DATA:\n  INPUT_SIZE: 0\n", "DATA.INPUT_SIZE"},
            {"DATA:\n  NUM_CLASSES: 0\n", "DATA.NUM_CLASSES"},
            {"TRAIN:\n  BATCH_SIZE: 0\n", "TRAIN.BATCH_SIZE"},
            {"TRAIN:\n  ACCUMULATION_STEPS: 0\n", "TRAIN.ACCUMULATION_STEPS"},
            {"TRAIN:\n  EPOCHS: 0\n", "TRAIN.EPOCHS"},
            {"TRAIN:\n  WARMUP_EPOCHS: -1\n", "TRAIN.WARMUP_EPOCHS"},
            {"TRAIN:\n  LR: 0.0\n", "TRAIN.LR"},
            {"TRAIN:\n  LR: -1.0e-5\n", "TRAIN.LR"},
            {"TRAIN:\n  LR: .inf\n", "TRAIN.LR"},
            {"TRAIN:\n  LR_SCHEDULER: step\n", "TRAIN.LR_SCHEDULER"},
            {"TRAIN:\n  OPTIMIZER: sgd\n", "TRAIN.OPTIMIZER"},
            {"TEST:\n  NUM_CROP: 5\n", "TEST.NUM_CROP"},
            {"TEST:\n  NUM_CLIP: 0\n", "TEST.NUM_CLIP"},
            {"AUG:\n  COLOR_JITTER: 1.5\n", "AUG.COLOR_JITTER"},
            {"AUG:\n  GRAY_SCALE: -0.1\n", "AUG.GRAY_SCALE"},
            {"AUG:\n  MIXUP_SWITCH_PROB: 2.0\n", "AUG.MIXUP_SWITCH_PROB"},
            {"AUG:\n  LABEL_SMOOTH: 1.1\n", "AUG.LABEL_SMOOTH"},
            {"AUG:\n  MIXUP: -0.5\n", "AUG.MIXUP"},
            {"AUG:\n  CUTMIX: -1.0\n", "AUG.CUTMIX"},
            {"SAVE_FREQ: 0\n", "SAVE_FREQ"},
            {"PRINT_FREQ: 0\n", "PRINT_FREQ"},
        };
        int i = 0;
        for (String[] b : bad) {
            Path f = write("bad" + (i++) + ".yaml", b[0]);
            refused(f, List.of(), b[1], f.toString());
        }
        // reported against --opts when --opts set the value
        refused(minimal(), List.of("TEST.NUM_CROP", "2"), "TEST.NUM_CROP", "--opts", "1 (centre crop) or 3");
    }

    @Test
    void edgeValuesThatTrainingTakesAreAccepted() throws IOException {
        ViFiClipConfig c = load(write("edge.yaml", "TRAINER:\n  ViFi_CLIP:\n    PROMPT_DEPTH_VISION: 12\n"
                + "    PROMPT_DEPTH_TEXT: 0\n    USE: text\nTEST:\n  NUM_CROP: 3\n  NUM_CLIP: 4\nTRAIN:\n"
                + "  WARMUP_EPOCHS: 0\nAUG:\n  MIXUP: 0.0\n  CUTMIX: 2.0\n  COLOR_JITTER: 1.0\n  GRAY_SCALE: 0.0\n"));
        assertEquals(12, c.trainer().promptDepthVision());
        assertEquals(3, c.test().numCrop());
        assertEquals(2.0, c.aug().cutmix());  // a Beta alpha, not a probability
    }

    @Test
    void promptModelConfigsAreReadNotRefused() throws IOException {
        ViFiClipConfig c = load(write("pm.yaml", "TRAINER:\n  ViFi_CLIP:\n    PROMPT_MODEL: True\n    N_CTX_VISION: 8\n"));
        assertTrue(c.trainer().promptModel());
    }

    // ----------------------------------------------------------------------------------------------
    // files

    @Test
    void badFilesNameTheFile() throws IOException {
        Path missing = dir.resolve("nope.yaml");
        refused(missing, List.of(), missing.toString(), "no such file");
        Path syntax = write("syntax.yaml", "TRAIN:\n  EPOCHS: 3\n   LR: [1e-4\n");
        refused(syntax, List.of(), syntax.toString(), "not valid YAML", "line 3", "column");
        refused(write("list.yaml", "- a\n- b\n"), List.of(), "list.yaml", "not a mapping");
        refused(write("scalar.yaml", "hello\n"), List.of(), "scalar.yaml", "not a mapping");
        refused(write("empty.yaml", ""), List.of(), "empty.yaml", "empty");
        refused(write("two.yaml", "TRAIN: {}\n---\nTEST: {}\n"), List.of(), "two.yaml", "not valid YAML");
        refused(write("tag.yaml", "TRAIN: !!python/tuple [1]\n"), List.of(), "tag.yaml", "not valid YAML");
        Files.createDirectories(dir.resolve("folder.yaml"));
        refused(dir.resolve("folder.yaml"), List.of(), "folder.yaml", "directory");
    }

    @Test
    void syntaxErrorGivesSnakeYamlLineAndColumn() throws IOException {
        Path f = write("tab.yaml", "DATA:\n  NUM_FRAMES: 8\n\tROOT: x\n");
        BadInputException e = refused(f, List.of(), f.toString(), "not valid YAML", "line 3, column 1");
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    // ----------------------------------------------------------------------------------------------
    // BASE

    @Test
    void baseFilesAreMergedFirstRelativeToTheIncludingFile() throws IOException {
        write("common/base.yaml", "DATA:\n  NUM_FRAMES: 16\n  DATASET: ucf101\nTRAIN:\n  EPOCHS: 20\n  LR: 1.0e-5\n");
        write("common/more.yaml", "BASE: ['base.yaml']\nTRAIN:\n  EPOCHS: 25\n");  // relative to common/
        Path top = write("exp/run.yaml", "BASE: ['', '../common/more.yaml']\nTRAIN:\n  LR: 3.0e-5\n");
        ViFiClipConfig c = load(top, "DATA.NUM_FRAMES", "32");
        assertEquals("ucf101", c.data().dataset());  // from base.yaml
        assertEquals(25, c.train().epochs());        // more.yaml over base.yaml
        assertEquals(3e-5, c.train().lr());          // the file over its BASE
        assertEquals(32, c.data().numFrames());      // --opts last
        assertEquals(List.of("", "../common/more.yaml"), c.asNestedMap().get("BASE"));  // as yacs keeps it

        // written back: BASE emptied (already merged), so the written file loads alone to the same config
        Path out = write("elsewhere/config.yaml", c.toYaml());
        ViFiClipConfig back = load(out);
        assertEquals(c, back);
        assertEquals(List.of(""), back.asNestedMap().get("BASE"));
        assertTrue(c.toYaml().contains("# its BASE ['', '../common/more.yaml'] is merged in here"), c.toYaml());
    }

    @Test
    void absoluteBaseAndMissingBase() throws IOException {
        Path base = write("abs/base.yaml", "TRAIN:\n  EPOCHS: 7\n");
        Path top = write("abs-top.yaml", "BASE: ['" + base.toAbsolutePath() + "']\n");
        assertEquals(7, load(top).train().epochs());
        Path broken = write("broken.yaml", "BASE: ['gone.yaml']\n");
        refused(broken, List.of(), dir.resolve("gone.yaml").toString(), "no such file", "BASE of " + broken);
        refused(write("str-base.yaml", "BASE: base.yaml\n"), List.of(), "BASE", "expected list of str", "str-base.yaml");
        refused(write("int-base.yaml", "BASE: [1]\n"), List.of(), "BASE", "expected list of str");
    }

    @Test
    void includeCycleIsReported() throws IOException {
        Path a = write("cyc/a.yaml", "BASE: ['b.yaml']\nTRAIN:\n  EPOCHS: 2\n");
        write("cyc/b.yaml", "BASE: ['a.yaml']\n");
        refused(a, List.of(), "BASE include cycle", "a.yaml -> ", "b.yaml -> ", "cyc/b.yaml");
        Path self = write("self.yaml", "BASE: ['self.yaml']\n");
        refused(self, List.of(), "BASE include cycle", "self.yaml");
        // the same file twice on different branches (a diamond) is not a cycle
        write("dia/base.yaml", "TRAIN:\n  EPOCHS: 9\n");
        write("dia/left.yaml", "BASE: ['base.yaml']\n");
        write("dia/right.yaml", "BASE: ['base.yaml']\n");
        assertEquals(9, load(write("dia/top.yaml", "BASE: ['left.yaml', 'right.yaml']\n")).train().epochs());
    }

    // ----------------------------------------------------------------------------------------------
    // with() and toYaml

    @Test
    void withSetsOneKeyWithTheSameChecks() throws IOException {
        ViFiClipConfig c = load(minimal());
        ViFiClipConfig d = c.with("TEST.NUM_CLIP", 4).with("TEST.NUM_CROP", 3).with("TRAIN.LR", "1e-4")
                .with("MODEL.RESUME", "/ckpt/last.pth").with("TRAIN.WEIGHT_DECAY", 0);
        assertEquals(4, d.test().numClip());
        assertEquals(3, d.test().numCrop());
        assertEquals(1e-4, d.train().lr());
        assertEquals("/ckpt/last.pth", d.model().resume());
        assertEquals(0.0, d.train().weightDecay());
        assertEquals(1, c.test().numClip());  // the original is unchanged
        assertEquals(c.source(), d.source());
        assertNotEquals(c, d);
        assertEquals(c, c.with("TEST.NUM_CLIP", 1));

        BadInputException e = assertThrows(BadInputException.class, () -> c.with("TEST.NUM_CLIP", 0));
        assertTrue(e.getMessage().contains("TEST.NUM_CLIP") && e.getMessage().contains(c.source().toString()), e.getMessage());
        assertThrows(BadInputException.class, () -> c.with("TEST.NUM_CLIPS", 4));
        assertThrows(BadInputException.class, () -> c.with("TEST.NUM_CLIP", "4"));
        assertThrows(BadInputException.class, () -> c.with("TEST.NUM_CLIP", 4.0));
        assertThrows(BadInputException.class, () -> c.with("TEST.ONLY_TEST", "True"));
        assertThrows(BadInputException.class, () -> c.with("TRAIN.LR", "fast"));
        assertThrows(BadInputException.class, () -> c.with("TRAIN", 3));
        assertThrows(BadInputException.class, () -> c.with("OUTPUT", null));
    }

    @Test
    void toYamlRoundTripsAwkwardValues() throws IOException {
        // strings Python would read as something else must come back as the same strings
        ViFiClipConfig c = load(minimal()).with("OUTPUT", "None").with("DATA.DATASET", "yes")
                .with("TRAINER.ViFi_CLIP.CTX_INIT", "1e5").with("DATA.ROOT", "it's a \"path\"\t# x")
                .with("MODEL.ARCH", "['ViT-B/16']").with("DATA.LABEL_LIST", "").with("MODEL.PRETRAINED", "é😀")
                .with("TRAIN.LR", 1.0 / 3).with("AUG.MIXUP", 8e-6).with("SEED", 1L << 40);
        Path f = write("awkward.yaml", c.toYaml());
        ViFiClipConfig back = load(f);
        assertEquals(c, back);
        assertEquals("None", back.output());
        assertEquals("1e5", back.trainer().ctxInit());
        assertEquals(1.0 / 3, back.train().lr());
        assertEquals(1L << 40, back.seed());
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        assertTrue(lines.contains("  MIXUP: 8.0e-06"), String.join("\n", lines));  // as PyYAML writes it
    }
}
