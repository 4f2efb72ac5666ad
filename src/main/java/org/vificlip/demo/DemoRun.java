package org.vificlip.demo;

import me.tongfei.progressbar.ProgressBar;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.Progress;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoClips;
import org.vificlip.data.VideoListEntry;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipModel;
import org.vificlip.synth.DatasetPlan;
import org.vificlip.synth.SynthOptions;
import org.vificlip.synth.SyntheticDataset;
import org.vificlip.train.ClassPrompts;
import org.vificlip.train.TrainingRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The paper's story in miniature, on a synthetic dataset and a small CLIP: zero-shot accuracy on the base and
 * novel classes; ViFi-CLIP fine-tuning (both encoders) on the base classes; base and novel accuracy after;
 * then the {@link PromptLearningStage} hook. Writes the dataset, the training run (checkpoints, metrics.csv,
 * loss/lr/accuracy plots), confusion matrices, a strip of sampled frames with predictions, metrics.json,
 * results.md and an index.html that shows them. Everything is a function of the options: the same seed gives
 * the same numbers.
 */
public final class DemoRun {
    /** Frames per video the model sees (DATA.NUM_FRAMES). */
    static final int NUM_FRAMES = 8;
    /** Frame size and length of the synthetic videos. */
    static final int WIDTH = 64;
    static final int HEIGHT = 48;
    static final int VIDEO_FRAMES = 16;

    /**
     * @param out            folder for everything the demo writes
     * @param seed           seed of the dataset and of training
     * @param classes        synth classes (the first half base, the rest novel)
     * @param videosPerClass videos per class (2/3 train, 1/3 validation)
     * @param epochs         fine-tuning epochs
     * @param weights        the CLIP to start from
     * @param threads        video decoding threads
     * @param promptStage    the bridge-and-prompt stage ({@link BridgeAndPrompt}, or {@link PromptLearningStage#NOT_AVAILABLE})
     */
    public record Options(Path out, long seed, int classes, int videosPerClass, int epochs, Path weights, int threads,
                          PromptLearningStage promptStage) {
    }

    /** What the demo ends with: the table and where the report is. */
    public record Outcome(ResultsTable table, Path report, Map<String, Object> metrics) {
    }

    private DemoRun() {
    }

    public static Outcome run(Options o) throws IOException {
        long start = System.nanoTime();
        Path out = o.out().toAbsolutePath().normalize();
        Files.createDirectories(out);
        Map<String, Double> seconds = new LinkedHashMap<>();

        stage("1/6 loading the small CLIP " + o.weights());
        ClipModel model = ClipModel.build(Checkpoints.load(o.weights()));
        int resolution = model.config().imageResolution();

        stage("2/6 writing the synthetic dataset (" + o.classes() + " classes of shapes in motion)");
        long t = System.nanoTime();
        SynthOptions synth = new SynthOptions(out.resolve("data"), o.classes(), o.videosPerClass(), WIDTH, HEIGHT,
                VIDEO_FRAMES, o.seed(), resolution, NUM_FRAMES);
        DatasetPlan plan = new DatasetPlan(synth);
        try (ProgressBar bar = Progress.bar("synth", plan.videos().size(), "videos")) {
            SyntheticDataset.write(synth, v -> bar.step());
        }
        seconds.put("dataset", since(t));
        Path data = out.resolve("data");
        ViFiClipConfig baseConfig = ViFiClipConfig.load(data.resolve("config_base2novel.yaml"), trainingOpts(o));
        ViFiClipConfig novelConfig = ViFiClipConfig.load(data.resolve("config_novel_eval.yaml"), List.of());
        ConfigDataset baseSet = ConfigDataset.of(baseConfig);
        ConfigDataset novelSet = ConfigDataset.of(novelConfig);

        stage("3/6 zero-shot: the CLIP as it is, on the base and the novel classes");
        t = System.nanoTime();
        EvalResult zsBase = evaluate(model, baseConfig, baseSet, o.threads());
        EvalResult zsNovel = evaluate(model, novelConfig, novelSet, o.threads());
        seconds.put("zero_shot", since(t));
        System.err.printf("zero-shot: base %s; novel %s%n", zsBase.summary(), zsNovel.summary());

        stage("4/6 ViFi-CLIP fine-tuning on the " + baseSet.classNames().size() + " base classes, " + o.epochs() + " epochs");
        t = System.nanoTime();
        Path trainDir = out.resolve("train");
        TrainingRun.Outcome trained = TrainingRun.run(new TrainingRun.Setup(baseConfig, model, baseSet, trainDir, null, o.threads()));
        EvalResult ftBase = trained.lastEvaluation();
        seconds.put("fine_tuning", since(t));
        t = System.nanoTime();
        EvalResult ftNovel = evaluate(model, novelConfig, novelSet, o.threads());
        seconds.put("novel_eval", since(t));
        System.err.printf("fine-tuned: base %s; novel %s%n", ftBase.summary(), ftNovel.summary());

        stage("5/6 bridge and prompt");
        t = System.nanoTime();
        Path lastCheckpoint = trainDir.resolve("ckpt_epoch_" + (o.epochs() - 1) + ".pth");
        Optional<PromptLearningStage.Result> prompted = o.promptStage().run(new PromptLearningStage.Context(model,
                o.weights(), lastCheckpoint, data, out.resolve("prompt"), o.seed(), o.threads()));
        seconds.put("bridge_and_prompt", since(t));

        stage("6/6 report");
        ResultsTable table = new ResultsTable(String.format(Locale.ROOT,
                "Base-to-novel generalisation on synth (seed %d): top-1 %% on the validation videos of %d base and %d novel classes",
                o.seed(), baseSet.classNames().size(), novelSet.classNames().size()));
        table.add(new ResultsTable.Row("CLIP (zero-shot)", zsBase.top1(), zsNovel.top1(), null));
        table.add(new ResultsTable.Row("ViFi-CLIP (fine-tuned on base)", ftBase.top1(), ftNovel.top1(), null));
        table.add(prompted.map(r -> new ResultsTable.Row(r.method(), r.baseTop1(), r.novelTop1(), null))
                .orElse(new ResultsTable.Row("Bridge and prompt (few-shot)", null, null, "(" + o.promptStage().unavailableNote() + ")")));

        ConfusionMatrixPlot.write(out.resolve("confusion_base.png"), "Base classes after fine-tuning: top-1 "
                + ResultsTable.number(ftBase.top1()) + "%", ftBase.classes(), ftBase.confusion());
        ConfusionMatrixPlot.write(out.resolve("confusion_novel.png"), "Novel classes after fine-tuning: top-1 "
                + ResultsTable.number(ftNovel.top1()) + "%", ftNovel.classes(), ftNovel.confusion());
        List<FrameStrip.Entry> strip = new ArrayList<>();
        strip.addAll(predictions(model, baseConfig, baseSet, "base", 3));
        strip.addAll(predictions(model, novelConfig, novelSet, "novel", 3));
        FrameStrip.write(out.resolve("frames.png"), strip, NUM_FRAMES);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("seed", o.seed());
        metrics.put("classes", o.classes());
        metrics.put("videos_per_class", o.videosPerClass());
        metrics.put("epochs", o.epochs());
        metrics.put("weights", o.weights().getFileName().toString());
        metrics.put("results", table.rows().stream().map(DemoRun::rowJson).toList());
        metrics.put("zero_shot_base", evalJson(zsBase));
        metrics.put("zero_shot_novel", evalJson(zsNovel));
        metrics.put("fine_tuned_base", evalJson(ftBase));
        metrics.put("fine_tuned_novel", evalJson(ftNovel));
        metrics.put("max_base_top1_during_training", trained.maxAccuracy());
        List<Map<String, Object>> stripJson = new ArrayList<>();
        for (FrameStrip.Entry e : strip) {
            Map<String, Object> m = new LinkedHashMap<>(); // ordered: Map.of's order changes from run to run
            m.put("video", data.relativize(e.video()).toString());
            m.put("split", e.split());
            m.put("true", e.trueLabel());
            m.put("predicted", e.predicted());
            m.put("probability", e.probability());
            stripJson.add(m);
        }
        metrics.put("frames_strip", stripJson);
        Path report = DemoReport.write(out, table, metrics, seconds, since(start));
        return new Outcome(table, report, metrics);
    }

    /** The config's own settings, with what a random-weight small CLIP needs to learn in a few minutes. */
    static List<String> trainingOpts(Options o) {
        int saveFreq = Math.max(1, o.epochs() / 4);
        return List.of("TRAIN.LR", "3.e-04", "TRAIN.BATCH_SIZE", "2", "TRAIN.EPOCHS", Integer.toString(o.epochs()),
                "TRAIN.WARMUP_EPOCHS", "1", "SAVE_FREQ", Integer.toString(saveFreq), "PRINT_FREQ", "1000");
    }

    private static EvalResult evaluate(ClipModel model, ViFiClipConfig config, ConfigDataset set, int threads) throws IOException {
        INDArray text = model.encodeText(ClassPrompts.tokens(config, set.classNames(), model.config()));
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(), 1, 1, 4, threads);
        return Evaluator.evaluate(model, text, set.classNames(), set.valVideos(), set.valList(), options);
    }

    /** The model's top-1 for the first validation video of the first {@code count} classes. */
    private static List<FrameStrip.Entry> predictions(ClipModel model, ViFiClipConfig config, ConfigDataset set,
                                                      String split, int count) throws IOException {
        INDArray text = model.encodeText(ClassPrompts.tokens(config, set.classNames(), model.config()));
        List<FrameStrip.Entry> entries = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        for (VideoListEntry v : set.valVideos()) {
            if (seen.contains(v.label()) || seen.size() >= count) {
                continue;
            }
            seen.add(v.label());
            INDArray clip = VideoClips.testClip(v.video(), config.data().numFrames(), config.data().inputSize()).toBatchINDArray();
            INDArray p = Nd4j.nn.softmax(model.logitsOfFeatures(model.encodeVideos(clip).video(), text), 1);
            int best = p.argMax(1).getInt(0);
            entries.add(new FrameStrip.Entry(v.video(), split, set.classNames().get(v.label()), set.classNames().get(best),
                    p.getDouble(0, best)));
        }
        return entries;
    }

    private static Map<String, Object> rowJson(ResultsTable.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method());
        m.put("base_top1", r.base());
        m.put("novel_top1", r.novel());
        m.put("hm", r.harmonicMean());
        m.put("note", r.note());
        return m;
    }

    private static Map<String, Object> evalJson(EvalResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("videos", r.videos());
        m.put("skipped", r.skipped());
        m.put("classes", r.classes());
        m.put("confusion", r.confusion());
        return m;
    }

    private static void stage(String what) {
        System.err.println("== demo " + what);
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
