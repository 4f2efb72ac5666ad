package org.vificlip.synth;

import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a synthetic ViFi-CLIP dataset: the videos, label CSVs, list files (full, base/novel, few-shot),
 * three ready configs and a README. Everything is a function of the {@link SynthOptions}: the same options
 * give byte-identical files (the configs name the absolute folder, so they match only in the same place).
 */
public final class SyntheticDataset {
    /** Shot counts of the few-shot lists. */
    public static final int[] SHOTS = {2, 4};

    /** What was written. */
    public record Summary(Path root, int classes, int videos, int trainVideos, int valVideos, List<String> warnings) {
    }

    private SyntheticDataset() {
    }

    /** The seed of one video's content: depends on the dataset seed, the class and the video number only. */
    public static long videoSeed(long seed, SynthClass synthClass, int index) {
        return Seeds.derive(seed, SynthCatalog.all().indexOf(synthClass), index);
    }

    /** The renderer that draws a given video of the plan. */
    public static SceneRenderer renderer(SynthOptions options, DatasetPlan.Video video) {
        return new SceneRenderer(video.synthClass(), options.width(), options.height(), options.frames(),
                videoSeed(options.seed(), video.synthClass(), video.index()));
    }

    /**
     * Writes the dataset into {@code options.out()} (created if needed; files of the same name are
     * replaced, nothing else is touched). {@code onVideo} is told after each video is written.
     */
    public static Summary write(SynthOptions options, Consumer<DatasetPlan.Video> onVideo) throws IOException {
        Path root = checkOutput(options);
        DatasetPlan plan = new DatasetPlan(options);
        Files.createDirectories(root);
        for (DatasetPlan.Video video : plan.videos()) {
            Path file = root.resolve(video.relativePath());
            Files.createDirectories(file.getParent());
            SceneRenderer renderer = renderer(options, video);
            List<byte[]> frames = new ArrayList<>(options.frames());
            for (int f = 0; f < options.frames(); f++) {
                frames.add(renderer.renderRgb(f));
            }
            H264Mp4Writer.write(file, frames, options.width(), options.height(), SynthOptions.FPS);
            onVideo.accept(video);
        }

        List<String> warnings = new ArrayList<>();
        text(root, "labels.csv", plan.labelsCsv());
        text(root, "train.txt", plan.trainList());
        text(root, "val.txt", plan.valList());
        text(root, "base_labels.csv", plan.baseLabelsCsv());
        text(root, "novel_labels.csv", plan.novelLabelsCsv());
        text(root, "base_train.txt", plan.baseTrainList());
        text(root, "base_val.txt", plan.baseValList());
        text(root, "novel_val.txt", plan.novelValList());
        for (int shots : SHOTS) {
            text(root, "train_" + shots + "_shot.txt", plan.fewShotList(shots));
            text(root, "base_train_" + shots + "_shot.txt", plan.baseFewShotList(shots));
            if (plan.trainPerClass() < shots) {
                warnings.add("train_" + shots + "_shot.txt has " + plan.trainPerClass() + " videos per class, not "
                        + shots + ": only " + plan.trainPerClass() + " training videos per class "
                        + "(raise --videos-per-class)");
            }
        }
        int n = plan.classes().size();
        text(root, "config.yaml", VifiConfigYaml.render(options, new VifiConfigYaml.Variant(
                "all " + n + " classes", "train.txt", "val.txt", "labels.csv", n, "output", null)));
        text(root, "config_base2novel.yaml", VifiConfigYaml.render(options, new VifiConfigYaml.Variant(
                "base-to-novel: training on the " + plan.baseClasses() + " base classes", "base_train.txt",
                "base_val.txt", "base_labels.csv", plan.baseClasses(), "output_base2novel", null)));
        text(root, "config_novel_eval.yaml", VifiConfigYaml.render(options, new VifiConfigYaml.Variant(
                "base-to-novel: testing on the " + plan.novelClasses() + " novel classes", "base_train.txt",
                "novel_val.txt", "novel_labels.csv", plan.novelClasses(), "output_novel_eval",
                "Test only (--only_test) with the model trained by config_base2novel.yaml (--resume).")));
        text(root, "README.txt", readme(options, plan));
        int trainVideos = plan.trainPerClass() * n;
        return new Summary(root, n, plan.videos().size(), trainVideos, plan.videos().size() - trainVideos,
                List.copyOf(warnings));
    }

    /** The absolute output folder; a bad-input error when it exists as something other than a folder. */
    public static Path checkOutput(SynthOptions options) throws BadInputException {
        Path root = options.out().toAbsolutePath().normalize();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new BadInputException(root, "exists and is not a folder (--out must be a folder)");
        }
        return root;
    }

    private static void text(Path root, String name, String content) throws IOException {
        Files.writeString(root.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String readme(SynthOptions o, DatasetPlan plan) {
        int n = plan.classes().size();
        return "A synthetic video dataset made by `vificlip synth` (seed " + o.seed() + "): " + n
                + " classes of coloured shapes in motion (\"" + plan.classes().get(0).name() + "\", ...), "
                + o.videosPerClass() + " videos each, " + o.width() + "x" + o.height() + " pixels, " + o.frames()
                + " frames at " + SynthOptions.FPS + " fps, H.264 in MP4, under videos/<class>/. "
                + "labels.csv lists the class names in ViFi-CLIP's id,name format; train.txt and val.txt are "
                + "ViFi-CLIP list files ('relative/path label', relative to this folder, which is DATA.ROOT) with "
                + plan.trainPerClass() + " training and " + plan.valPerClass() + " validation videos per class. "
                + "For the base-to-novel setting the first " + plan.baseClasses() + " classes are base "
                + "(base_labels.csv, base_train.txt, base_val.txt) and the other " + plan.novelClasses()
                + " novel (novel_labels.csv, novel_val.txt), labels renumbered from 0 in each part. "
                + "train_K_shot.txt and base_train_K_shot.txt hold the first K training videos of each class "
                + "(K = 2, 4). config.yaml trains and tests on all classes, config_base2novel.yaml trains on the "
                + "base classes and config_novel_eval.yaml tests on the novel ones; they use ViFi-CLIP's keys and "
                + "absolute paths to this folder. The same options and seed give the same files byte for byte.\n";
    }
}
