package org.vificlip.spark;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.checkpoint.TorchCheckpointReader;
import org.vificlip.data.NpyFile;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;
import org.vificlip.testing.SynthDatasets;
import org.vificlip.train.MetricsLog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The Spark jobs against the single-machine commands on the same synth dataset and fixture CLIP, with a local
 * master of 2 threads that retries a failed task (local[2,4]): one SparkSession for the class, which the
 * commands join. Features and evaluation are compared with {@code features} and {@code eval}; 3 training
 * steps on 2 workers with {@code train} with the same global batch, and 3 more after resuming from the checkpoint;
 * parameter averaging with one worker with {@code train}; a task failing on its first attempt with the same job
 * run without failures.
 */
class SparkJobsTest {
    /** The real standard error (MainRunner captures System.err during each test). */
    static final PrintStream REPORT = new PrintStream(new FileOutputStream(FileDescriptor.err), true);

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    static Path dir;
    static Path data;
    static String weights;
    static String config;
    /** The validation videos repeated to 20, plus one missing video (under 5% of the list, so it is skipped). */
    static Path listWithMissing;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws Exception {
        data = SynthDatasets.small(dir.resolve("synth"), 5);
        weights = ClipFixtures.torchScript().toString();
        config = data.resolve("config.yaml").toString();
        List<String> val = Files.readAllLines(data.resolve("val.txt"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add(val.get(i % val.size()));
        }
        lines.add(7, "videos/nowhere/gone.mp4 1");
        listWithMissing = data.resolve("val_with_missing.txt");
        Files.write(listWithMissing, lines);
        spark = SparkSession.builder().master("local[2,4]").appName("SparkJobsTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void distributedFeaturesEqualSingleMachineFeaturesAndNameTheSkippedVideo() throws Exception {
        Path out = dir.resolve("features.parquet");
        assertEquals(0, cli.run("spark", "features", "--config", config, "--weights", weights, "--partitions", "2",
                "--out", out.toString(), "--opts", "DATA.VAL_FILE", listWithMissing.toString(), "TRAIN.BATCH_SIZE", "3"), cli.stderr());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(20, rows.size(), "one row per usable list entry");
        List<Row> skipped = spark.read().parquet(out + "_skipped").collectAsList();
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).getString(0).endsWith("gone.mp4") && skipped.get(0).getInt(2) == 8
                && skipped.get(0).getString(3).contains("gone.mp4"), skipped.get(0).toString());

        // one machine: `vificlip features --video` over the distinct videos
        Map<String, Integer> labels = new HashMap<>();
        for (Row r : rows) {
            labels.put(r.getString(0), r.getInt(1));
        }
        List<String> videos = new ArrayList<>(new LinkedHashSet<>(labels.keySet()));
        assertEquals(6, videos.size());
        Path npy = dir.resolve("features.npy");
        List<String> args = new ArrayList<>(List.of("features", "--weights", weights, "--num-frames", "4", "--out", npy.toString(), "--video"));
        args.addAll(videos);
        assertEquals(0, cli.run(args.toArray(String[]::new)), cli.stderr());
        INDArray single = NpyFile.readFloat32(npy);
        double worst = 0;
        for (Row r : rows) {
            List<Float> feature = r.getList(2);
            float[] expected = single.getRow(videos.indexOf(r.getString(0))).toFloatVector();
            assertEquals(expected.length, feature.size());
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - feature.get(i)));
            }
        }
        REPORT.printf("features: largest difference from one machine %.2e%n", worst);
        assertTrue(worst <= 1e-5, "features differ by " + worst);
    }

    @Test
    void distributedMultiViewEvalEqualsSingleMachineEval() throws Exception {
        String[] opts = {"--opts", "DATA.VAL_FILE", listWithMissing.toString(), "TRAIN.BATCH_SIZE", "2",
                "TEST.NUM_CLIP", "2", "TEST.NUM_CROP", "3"};
        JsonObject single = runJson(dir.resolve("eval_single.json"), "eval", opts);
        JsonObject spread = runJson(dir.resolve("eval_spark.json"), "spark eval", opts);
        assertEquals(20, single.get("videos").getAsInt());
        assertEquals(6, spread.get("views").getAsInt());
        for (String key : new String[]{"top1", "top5", "videos", "skipped", "views", "confusion", "skipped_videos"}) {
            assertEquals(single.get(key), spread.get(key), key);
        }
        REPORT.println("eval: " + single.get("top1") + " / " + single.get("top5") + " on both");
    }

    @Test
    void twoWorkersGiveTheWeightsOfOneMachineARetriedTaskChangesNothingAndResumeWorks() throws Exception {
        // 12 training videos, batch 4: 3 steps in the one epoch; no warm-up, so every step moves the weights
        String[] opts = {"--opts", "TRAIN.BATCH_SIZE", "4", "TRAIN.EPOCHS", "1", "TRAIN.WARMUP_EPOCHS", "0", "TRAIN.LR", "1.e-04"};
        Path single = dir.resolve("train_single");
        Path spread = dir.resolve("train_spark");
        assertEquals(0, run("train", single, opts), cli.stderr());
        assertEquals(0, run("spark train", spread, opts), cli.stderr());
        List<MetricsLog.Row> oneLog = MetricsLog.read(single.resolve("metrics.csv"));
        List<MetricsLog.Row> twoLog = MetricsLog.read(spread.resolve("metrics.csv"));
        assertEquals(oneLog.size(), twoLog.size());
        for (int i = 0; i < oneLog.size(); i++) {
            if (oneLog.get(i).kind().equals("step")) {
                assertEquals(oneLog.get(i).loss(), twoLog.get(i).loss(), 1e-5 * Math.abs(oneLog.get(i).loss()), "loss of step " + i);
            }
        }
        Map<?, ?> one = weights(single.resolve("ckpt_epoch_0.pth"));
        double moved = movedFromStart(one);
        assertTrue(moved > 1e-4, "training moved the weights well past the tolerance: " + moved);
        assertSameWeights(single.resolve("ckpt_epoch_0.pth"), spread.resolve("ckpt_epoch_0.pth"), 3, 1e-4,
                String.format("3 steps (largest change of a weight in training %.2e)", moved));
        Map<?, ?> two = weights(spread.resolve("ckpt_epoch_0.pth"));

        // parameter averaging with one worker taking all 3 steps locally is one machine's training, to every weight
        // (the key biases included: the worker computes exactly what one machine computes)
        Path averaged = dir.resolve("train_spark_averaging");
        List<String> args = new ArrayList<>(List.of("spark", "train", "--config", config, "--weights", weights, "--output",
                averaged.toString(), "--threads", "2", "--partitions", "1", "--average-every", "3"));
        args.addAll(List.of(opts));
        assertEquals(0, cli.run(args.toArray(String[]::new)), cli.stderr());
        double averagingDiff = largestDifference(one, weights(averaged.resolve("ckpt_epoch_0.pth")));
        REPORT.printf("train, parameter averaging, 1 worker, 3 local steps: largest weight difference from one machine %.2e%n",
                averagingDiff);
        assertTrue(averagingDiff <= 1e-5, "parameter averaging with one worker differs by " + averagingDiff);

        // the same distributed run with partition 1's first attempt failing in every job (gradient steps, evaluation)
        Path retried = dir.resolve("train_spark_retried");
        int before = FaultInjection.INJECTED.get();
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "1");
        try {
            assertEquals(0, run("spark train", retried, opts), cli.stderr());
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
        }
        int injected = FaultInjection.INJECTED.get() - before;
        assertTrue(injected >= 4, "3 steps and an evaluation each lost a task: " + injected);
        Map<?, ?> three = weights(retried.resolve("ckpt_epoch_0.pth"));
        for (Object key : two.keySet()) {
            INDArray a = (INDArray) two.get(key);
            INDArray b = (INDArray) three.get(key);
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), key + ": the retried run differs");
        }
        assertEquals(Files.readString(spread.resolve("eval_last.json")), Files.readString(retried.resolve("eval_last.json")));

        // resume: both runs continue from their first epoch's checkpoint for a second epoch (the driver reads the
        // weights and AdamW's state back, the executors get them with the first broadcast)
        String[] resumeOne = {"--resume", single.resolve("ckpt_epoch_0.pth").toString(), "--opts", "TRAIN.BATCH_SIZE", "4",
                "TRAIN.EPOCHS", "2", "TRAIN.WARMUP_EPOCHS", "0", "TRAIN.LR", "1.e-04"};
        String[] resumeTwo = resumeOne.clone();
        resumeTwo[1] = spread.resolve("ckpt_epoch_0.pth").toString();
        assertEquals(0, run("train", single, resumeOne), cli.stderr());
        assertEquals(0, run("spark train", spread, resumeTwo), cli.stderr());
        double second = largestDifference(weights(single.resolve("ckpt_epoch_0.pth")), weights(single.resolve("ckpt_epoch_1.pth")));
        assertTrue(second > 1e-4, "the resumed epoch moved the weights: " + second);
        assertSameWeights(single.resolve("ckpt_epoch_1.pth"), spread.resolve("ckpt_epoch_1.pth"), 6, 1e-4,
                "6 steps, resumed after 3");
    }

    /**
     * Every weight of two training checkpoints within 1e-5, but for the attention key biases and at most
     * {@link #NOISE_AMPLIFIED} other elements. The key biases are the middle third of each {@code in_proj_bias}
     * ([q; k; v]); their gradient is zero in exact arithmetic (softmax over the keys does not change when q·b_k is
     * added to every score), so what each run computes there is rounding noise, and AdamW, which divides by the
     * gradient's own size, turns any noise into steps of up to about lr: two runs with different rounding
     * (PyTorch's too) differ there by O(lr) a step, checked to be no more than that. The same happens, now and
     * then, to a single element whose gradient sums terms that cancel to within their rounding (one of the text
     * tower's weights, 2.1e-5 apart after 3 steps, every other element within 3e-6): such elements are allowed
     * the key biases' bound, as long as they stay a handful; a real difference between the two trainings moves
     * whole tensors.
     */
    private static void assertSameWeights(Path expected, Path actual, int steps, double lr, String what) throws Exception {
        Map<?, ?> one = weights(expected);
        Map<?, ?> two = weights(actual);
        assertEquals(one.keySet(), two.keySet());
        double worst = 0;
        double keyBias = 0;
        List<String> beyond = new ArrayList<>();
        for (Object key : one.keySet()) {
            INDArray a = (INDArray) one.get(key);
            INDArray b = (INDArray) two.get(key);
            if (((String) key).endsWith("attn.in_proj_bias")) {
                long w = a.length() / 3;
                keyBias = Math.max(keyBias, a.get(interval(w, 2 * w)).sub(b.get(interval(w, 2 * w))).amaxNumber().doubleValue());
                a = Nd4j.concat(0, a.get(interval(0, w)), a.get(interval(2 * w, 3 * w)));
                b = Nd4j.concat(0, b.get(interval(0, w)), b.get(interval(2 * w, 3 * w)));
            }
            float[] difference = a.sub(b).data().asFloat();
            for (int i = 0; i < difference.length; i++) {
                double d = Math.abs(difference[i]);
                if (d > 1e-5) {
                    beyond.add(String.format("%s[%d] %.2e", key, i, d));
                    keyBias = Math.max(keyBias, d);
                } else {
                    worst = Math.max(worst, d);
                }
            }
        }
        REPORT.printf("train, %s: largest weight difference from one machine %.2e (attention key biases and %d "
                + "noise-amplified elements: %.2e)%n", what, worst, beyond.size(), keyBias);
        assertTrue(beyond.size() <= NOISE_AMPLIFIED, what + ": weights differ by more than 1e-5 at " + beyond);
        assertTrue(keyBias <= 1.5 * steps * lr, what + ": key biases or single elements differ by more than about "
                + "lr a step: " + keyBias);
    }

    /** Elements outside the key biases that may differ by AdamW's amplified rounding noise. */
    private static final int NOISE_AMPLIFIED = 3;

    private static double largestDifference(Map<?, ?> a, Map<?, ?> b) {
        double d = 0;
        for (Object key : a.keySet()) {
            d = Math.max(d, ((INDArray) a.get(key)).sub((INDArray) b.get(key)).amaxNumber().doubleValue());
        }
        return d;
    }

    /** The largest change of any weight from the untrained fixture model (ViFi-CLIP names → OpenAI keys). */
    private static double movedFromStart(Map<?, ?> trained) throws Exception {
        var base = ClipFixtures.baseWeights();
        double moved = 0;
        for (Map.Entry<?, ?> e : trained.entrySet()) {
            INDArray w = (INDArray) e.getValue();
            INDArray start = base.get(org.vificlip.checkpoint.ViFiClipNames.toOpenAi((String) e.getKey()));
            moved = Math.max(moved, w.sub(start.castTo(w.dataType())).amaxNumber().doubleValue());
        }
        return moved;
    }

    private int run(String command, Path output, String[] opts) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--config", config, "--weights", weights, "--output", output.toString(), "--threads", "2"));
        if (command.startsWith("spark")) {
            args.addAll(List.of("--partitions", "2"));
        }
        args.addAll(List.of(opts));
        return cli.run(args.toArray(String[]::new));
    }

    private JsonObject runJson(Path out, String command, String[] opts) throws Exception {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--config", config, "--weights", weights, "--out", out.toString(), "--threads", "2"));
        if (command.startsWith("spark")) {
            args.addAll(List.of("--partitions", "2"));
        }
        args.addAll(List.of(opts));
        assertEquals(0, cli.run(args.toArray(String[]::new)), cli.stderr());
        return JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    }

    private static Map<?, ?> weights(Path checkpoint) throws Exception {
        return (Map<?, ?>) ((Map<?, ?>) TorchCheckpointReader.read(checkpoint)).get("model");
    }
}
