package org.vificlip.synth;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.data.LabelFile;
import org.vificlip.data.VideoListEntry;
import org.vificlip.data.VideoListFile;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoInfo;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny dataset (3 classes x 3 videos, 48x40, 8 frames) written once and read back as ViFi-CLIP would. */
class SyntheticDatasetTest {
    @TempDir
    static Path tmp;

    private static SynthOptions options;
    private static SyntheticDataset.Summary summary;

    @BeforeAll
    static void writeTinyDataset() throws IOException {
        options = tiny(tmp.resolve("a"), 7);
        summary = SyntheticDataset.write(options, video -> { });
    }

    /** 40 is not a multiple of 16, so the frames are cropped from whole macroblocks. */
    private static SynthOptions tiny(Path out, long seed) {
        return new SynthOptions(out, 3, 3, 48, 40, 8, seed, 224, 8);
    }

    private static Path root() {
        return options.out().toAbsolutePath().normalize();
    }

    @Test
    void everyVideoOpensWithItsFrameCountAndSize() throws IOException {
        DatasetPlan plan = new DatasetPlan(options);
        assertEquals(9, plan.videos().size());
        for (DatasetPlan.Video video : plan.videos()) {
            try (VideoReader reader = VideoReaders.open(root().resolve(video.relativePath()))) {
                VideoInfo info = reader.info();
                assertEquals(8, info.frameCount(), video.relativePath());
                assertEquals(48, info.width());
                assertEquals(40, info.height());
                assertEquals(SynthOptions.FPS, info.fps(), 1e-9);
                assertEquals(8, reader.read(new int[]{0, 1, 2, 3, 4, 5, 6, 7}).size());
            }
        }
        assertEquals(9, summary.videos());
        assertEquals(6, summary.trainVideos());
        assertEquals(3, summary.valVideos());
    }

    /**
     * The decoded middle frame shows the class colour (the catalogue's RGB) inside the shape and the
     * background colour well away from it.
     */
    @Test
    void decodedColoursAreTheClassColourWhereTheShapeIs() throws IOException {
        int w = options.width();
        int h = options.height();
        for (DatasetPlan.Video video : new DatasetPlan(options).videos()) {
            SceneRenderer scene = SyntheticDataset.renderer(options, video);
            int mid = options.frames() / 2;
            float[] cover = scene.coverage(mid);
            RgbFrame frame;
            try (VideoReader reader = VideoReaders.open(root().resolve(video.relativePath()))) {
                frame = reader.read(new int[]{mid}).get(0);
            }
            double[] inside = new double[3];
            double[] outside = new double[3];
            int nIn = 0;
            int nOut = 0;
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    // Inside: the 3x3 neighbourhood is all shape (a small triangle has no 5x5 core);
                    // outside: no shape within 2 pixels (the codec smears edges a little).
                    float min = 1f;
                    float max = 0f;
                    for (int dy = -2; dy <= 2; dy++) {
                        for (int dx = -2; dx <= 2; dx++) {
                            int yy = Math.max(0, Math.min(h - 1, y + dy));
                            int xx = Math.max(0, Math.min(w - 1, x + dx));
                            if (Math.abs(dx) <= 1 && Math.abs(dy) <= 1) {
                                min = Math.min(min, cover[yy * w + xx]);
                            }
                            max = Math.max(max, cover[yy * w + xx]);
                        }
                    }
                    boolean deepInside = min == 1f;
                    boolean farOutside = max == 0f;
                    for (int c = 0; c < 3; c++) {
                        if (deepInside) {
                            inside[c] += frame.at(x, y, c);
                        } else if (farOutside) {
                            outside[c] += frame.at(x, y, c);
                        }
                    }
                    nIn += deepInside ? 1 : 0;
                    nOut += farOutside ? 1 : 0;
                }
            }
            assertTrue(nIn >= 3 && nOut >= 100, video.relativePath() + ": " + nIn + " inside, " + nOut + " outside");
            int[] bg = scene.background();
            for (int c = 0; c < 3; c++) {
                double meanIn = inside[c] / nIn;
                double meanOut = outside[c] / nOut;
                int want = video.synthClass().colour().channel(c);
                assertEquals(want, meanIn, 15, video.relativePath() + " shape channel " + c);
                assertEquals(bg[c], meanOut, 6, video.relativePath() + " background channel " + c);
            }
        }
    }

    @Test
    void labelsAndListsReadBack() throws IOException {
        List<String> names = LabelFile.readClassNames(root().resolve("labels.csv"));
        assertEquals(List.of("red ball bouncing", "blue square moving right", "green triangle spinning"), names);
        assertEquals("id,name\n0,red ball bouncing\n1,blue square moving right\n2,green triangle spinning\n",
                Files.readString(root().resolve("labels.csv")));

        List<VideoListEntry> train = VideoListFile.read(root().resolve("train.txt"), root());
        List<VideoListEntry> val = VideoListFile.read(root().resolve("val.txt"), root());
        assertEquals(6, train.size());
        assertEquals(3, val.size());
        assertEquals("videos/red_ball_bouncing/red_ball_bouncing_000.mp4 0",
                Files.readAllLines(root().resolve("train.txt")).get(0));
        List<Path> seen = new ArrayList<>();
        for (List<VideoListEntry> list : List.of(train, val)) {
            for (VideoListEntry e : list) {
                assertTrue(Files.isRegularFile(e.video()), e.video().toString());
                assertEquals(SynthCatalog.all().get(e.label()).slug(), e.video().getParent().getFileName().toString());
                assertTrue(!seen.contains(e.video()), "listed twice: " + e.video());
                seen.add(e.video());
            }
        }
        for (int label = 0; label < 3; label++) {
            final int l = label;
            assertEquals(2, train.stream().filter(e -> e.label() == l).count());
            assertEquals(1, val.stream().filter(e -> e.label() == l).count());
        }
    }

    @Test
    void baseNovelAndFewShotListsHaveTheRightSizesAndLabels() throws IOException {
        // 3 classes: 2 base (rounded up, as ViFi-CLIP's odd-sized splits), 1 novel.
        assertEquals(List.of("red ball bouncing", "blue square moving right"),
                LabelFile.readClassNames(root().resolve("base_labels.csv")));
        assertEquals(List.of("green triangle spinning"), LabelFile.readClassNames(root().resolve("novel_labels.csv")));
        assertLabels("base_train.txt", 2, 2);
        assertLabels("base_val.txt", 2, 1);
        List<VideoListEntry> novel = assertLabels("novel_val.txt", 1, 1);
        assertTrue(novel.get(0).video().toString().contains("green_triangle_spinning"));
        assertLabels("train_2_shot.txt", 3, 2);
        assertLabels("base_train_2_shot.txt", 2, 2);
        // Only 2 training videos per class: the 4-shot lists hold all of them, and the summary says so.
        assertLabels("train_4_shot.txt", 3, 2);
        assertLabels("base_train_4_shot.txt", 2, 2);
        assertEquals(1, summary.warnings().size(), summary.warnings().toString());
        assertTrue(summary.warnings().get(0).contains("train_4_shot.txt"));
    }

    /** The default plan (10 x 12), without writing videos: splits, renumbering and K-shot choice. */
    @Test
    void defaultPlanSplits() throws IOException {
        DatasetPlan plan = new DatasetPlan(SynthOptions.defaults(tmp.resolve("unused")));
        assertEquals(8, plan.trainPerClass());
        assertEquals(4, plan.valPerClass());
        assertEquals(5, plan.baseClasses());
        assertEquals(80, plan.trainList().lines().count());
        assertEquals(40, plan.valList().lines().count());
        assertEquals(40, plan.baseTrainList().lines().count());
        assertEquals(20, plan.baseValList().lines().count());
        List<String> novel = plan.novelValList().lines().toList();
        assertEquals(20, novel.size());
        assertEquals("videos/red_ball_moving_left/red_ball_moving_left_008.mp4 0", novel.get(0));
        assertEquals("videos/orange_cross_spinning/orange_cross_spinning_011.mp4 4", novel.get(19));
        List<String> fourShot = plan.fewShotList(4).lines().toList();
        assertEquals(40, fourShot.size());
        assertEquals("videos/red_ball_bouncing/red_ball_bouncing_003.mp4 0", fourShot.get(3));
        assertEquals("videos/blue_square_moving_right/blue_square_moving_right_000.mp4 1", fourShot.get(4));
        assertEquals(10, plan.baseFewShotList(2).lines().count());
        assertTrue(plan.baseFewShotList(2).lines().allMatch(l -> l.matches(".*_00[01]\\.mp4 [0-4]")));
    }

    private static List<VideoListEntry> assertLabels(String list, int classes, int perClass) throws IOException {
        List<VideoListEntry> entries = VideoListFile.read(root().resolve(list), root());
        assertEquals(classes * perClass, entries.size(), list);
        for (int label = 0; label < classes; label++) {
            final int l = label;
            assertEquals(perClass, entries.stream().filter(e -> e.label() == l).count(), list + " label " + label);
        }
        for (VideoListEntry e : entries) {
            assertTrue(Files.isRegularFile(e.video()), e.video().toString());
        }
        return entries;
    }

    /**
     * The configs as ViFi-CLIP would load them: PyYAML's implicit typing of each plain scalar (its YAML 1.1
     * resolver patterns) must give the type of the default in ViFi-CLIP's utils/config.py, which yacs
     * requires when merging; the values and paths must be the dataset's.
     */
    @Test
    void configsHaveViFiClipKeysTypesAndPaths() throws IOException {
        Map<String, String> types = new TreeMap<>(Map.ofEntries(
                Map.entry("DATA.ROOT", "str"), Map.entry("DATA.TRAIN_FILE", "str"), Map.entry("DATA.VAL_FILE", "str"),
                Map.entry("DATA.DATASET", "str"), Map.entry("DATA.INPUT_SIZE", "int"),
                Map.entry("DATA.NUM_FRAMES", "int"), Map.entry("DATA.NUM_CLASSES", "int"),
                Map.entry("DATA.LABEL_LIST", "str"), Map.entry("MODEL.ARCH", "str"),
                Map.entry("TRAIN.EPOCHS", "int"), Map.entry("TRAIN.WARMUP_EPOCHS", "int"),
                Map.entry("TRAIN.LR", "float"), Map.entry("TRAIN.BATCH_SIZE", "int"),
                Map.entry("TRAIN.ACCUMULATION_STEPS", "int"), Map.entry("AUG.MIXUP", "float"),
                Map.entry("AUG.LABEL_SMOOTH", "float"), Map.entry("TEST.NUM_CLIP", "int"),
                Map.entry("TEST.NUM_CROP", "int"), Map.entry("TRAINER.ViFi_CLIP.USE", "str"),
                Map.entry("TRAINER.ViFi_CLIP.ZS_EVAL", "bool"), Map.entry("SAVE_FREQ", "int"),
                Map.entry("PRINT_FREQ", "int"), Map.entry("SEED", "int"), Map.entry("OUTPUT", "str")));
        record Expect(String file, String train, String val, String labels, int classes) {
        }
        for (Expect e : List.of(new Expect("config.yaml", "train.txt", "val.txt", "labels.csv", 3),
                new Expect("config_base2novel.yaml", "base_train.txt", "base_val.txt", "base_labels.csv", 2),
                new Expect("config_novel_eval.yaml", "base_train.txt", "novel_val.txt", "novel_labels.csv", 1))) {
            String text = Files.readString(root().resolve(e.file()));
            assertEquals(types, pyYamlLeafTypes(text), e.file());

            Map<String, Object> config;
            try (InputStream in = Files.newInputStream(root().resolve(e.file()))) {
                config = new Yaml().load(in);
            }
            Map<?, ?> data = (Map<?, ?>) config.get("DATA");
            assertEquals(root().toString(), data.get("ROOT"));
            assertEquals(root().resolve(e.train()).toString(), data.get("TRAIN_FILE"));
            assertEquals(root().resolve(e.val()).toString(), data.get("VAL_FILE"));
            assertEquals(root().resolve(e.labels()).toString(), data.get("LABEL_LIST"));
            assertEquals(e.classes(), data.get("NUM_CLASSES"));
            assertEquals(e.classes(), LabelFile.readClassNames(Path.of((String) data.get("LABEL_LIST"))).size());
            assertEquals("synth", data.get("DATASET"));
            assertEquals(8, data.get("NUM_FRAMES"));
            assertEquals(224, data.get("INPUT_SIZE"));
            Map<?, ?> train = (Map<?, ?>) config.get("TRAIN");
            assertEquals(1e-4, (Double) train.get("LR"), 0);
            assertEquals(10, train.get("EPOCHS"));
            assertEquals(0.0, ((Map<?, ?>) config.get("AUG")).get("MIXUP"));
            assertEquals(Boolean.FALSE, ((Map<?, ?>) ((Map<?, ?>) config.get("TRAINER")).get("ViFi_CLIP")).get("ZS_EVAL"));
            assertEquals(7, config.get("SEED"));
            assertTrue(((String) config.get("OUTPUT")).startsWith(root().toString()));
        }
    }

    // PyYAML 6 resolver patterns (yaml/resolver.py) for plain scalars.
    private static final Pattern PY_BOOL = Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE"
            + "|on|On|ON|off|Off|OFF");
    private static final Pattern PY_INT = Pattern.compile("[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
            + "|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    private static final Pattern PY_FLOAT = Pattern.compile("[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
            + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

    /** Dotted key -> the Python type PyYAML gives the value, for the block-style YAML we write. */
    private static Map<String, String> pyYamlLeafTypes(String yaml) {
        Map<String, String> types = new TreeMap<>();
        List<int[]> indents = new ArrayList<>();
        List<String> path = new ArrayList<>();
        for (String raw : yaml.split("\n")) {
            String line = raw.replaceAll("\\s+#.*$", "");
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1)[0] >= indent) {
                indents.remove(indents.size() - 1);
                path.remove(path.size() - 1);
            }
            int colon = line.indexOf(':');
            String key = line.substring(indent, colon);
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                indents.add(new int[]{indent});
                path.add(key);
                continue;
            }
            String type;
            if (value.startsWith("'") || value.startsWith("\"")) {
                type = "str";
            } else if (PY_BOOL.matcher(value).matches()) {
                type = "bool";
            } else if (PY_INT.matcher(value).matches()) {
                type = "int";
            } else if (PY_FLOAT.matcher(value).matches()) {
                type = "float";
            } else {
                type = "str";
            }
            types.put(String.join(".", path) + (path.isEmpty() ? "" : ".") + key, type);
        }
        return types;
    }

    /** Same options, another folder: identical bytes (configs differ only by the folder they name). */
    @Test
    void sameSeedSameBytesOtherSeedOtherVideos() throws IOException {
        SynthOptions again = tiny(tmp.resolve("b"), 7);
        SynthOptions other = tiny(tmp.resolve("c"), 8);
        SyntheticDataset.write(again, video -> { });
        SyntheticDataset.write(other, video -> { });
        Map<String, String> a = hashes(root(), root().toString());
        Map<String, String> b = hashes(again.out().toAbsolutePath().normalize(), again.out().toAbsolutePath().normalize().toString());
        Map<String, String> c = hashes(other.out().toAbsolutePath().normalize(), other.out().toAbsolutePath().normalize().toString());
        assertEquals(a.keySet().size(), 9 + 16, a.keySet().toString());
        assertEquals(a, b);
        assertEquals(a.keySet(), c.keySet());
        for (String name : a.keySet()) {
            if (name.endsWith(".mp4")) {
                assertNotEquals(a.get(name), c.get(name), name + " should change with the seed");
            } else if (name.endsWith(".csv") || name.endsWith(".txt") && !name.equals("README.txt")) {
                // labels and lists; the README and the configs name the seed
                assertEquals(a.get(name), c.get(name), name + " should not depend on the seed");
            }
        }
    }

    /** SHA-256 of every file under root by relative path; in text files the root folder is masked. */
    private static Map<String, String> hashes(Path root, String rootText) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (f.toString().endsWith(".yaml")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replace(rootText, "ROOT")
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.put(root.relativize(f).toString(), sha256(bytes));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
