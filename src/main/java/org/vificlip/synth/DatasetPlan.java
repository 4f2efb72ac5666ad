package org.vificlip.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which videos exist and which list each one goes to, before anything is written.
 *
 * <ul>
 *   <li>Videos: {@code videos/<slug>/<slug>_<nnn>.mp4}, {@code nnn} from 000; label = class position.</li>
 *   <li>Train/val: per class, the last third of the videos (at least one) is validation, the rest
 *       training. Each video's content is independently random, so which ones go where does not matter.</li>
 *   <li>Base/novel, as ViFi-CLIP's base-to-novel setting: the first half of the classes (rounded up) are
 *       base, the rest novel; each part's labels are renumbered from 0.</li>
 *   <li>K-shot: the first K training videos of each class (fewer when a class has fewer).</li>
 * </ul>
 */
public final class DatasetPlan {
    /** One video: its class, its label in the full dataset, its number within the class, its path. */
    public record Video(SynthClass synthClass, int label, int index, String relativePath, boolean train) {
    }

    private final List<SynthClass> classes;
    private final List<Video> videos = new ArrayList<>();
    private final int trainPerClass;
    private final int baseClasses;

    public DatasetPlan(SynthOptions options) {
        classes = SynthCatalog.first(options.classes());
        int perClass = options.videosPerClass();
        int val = Math.max(1, (perClass + 1) / 3);
        trainPerClass = perClass - val;
        baseClasses = (classes.size() + 1) / 2;
        int digits = Math.max(3, String.valueOf(perClass - 1).length());
        for (int label = 0; label < classes.size(); label++) {
            SynthClass c = classes.get(label);
            for (int i = 0; i < perClass; i++) {
                String path = "videos/" + c.slug() + "/" + c.slug() + "_" + String.format(Locale.ROOT, "%0" + digits + "d", i) + ".mp4";
                videos.add(new Video(c, label, i, path, i < trainPerClass));
            }
        }
    }

    public List<SynthClass> classes() {
        return classes;
    }

    /** Every video, class by class. */
    public List<Video> videos() {
        return videos;
    }

    public int trainPerClass() {
        return trainPerClass;
    }

    public int valPerClass() {
        return videos.size() / classes.size() - trainPerClass;
    }

    /** Number of base classes (labels 0..baseClasses-1); the others are novel. */
    public int baseClasses() {
        return baseClasses;
    }

    public int novelClasses() {
        return classes.size() - baseClasses;
    }

    /** {@code labels.csv}: ViFi-CLIP's {@code id,name} format. */
    public String labelsCsv() {
        return labelsCsv(classes);
    }

    public String baseLabelsCsv() {
        return labelsCsv(classes.subList(0, baseClasses));
    }

    public String novelLabelsCsv() {
        return labelsCsv(classes.subList(baseClasses, classes.size()));
    }

    private static String labelsCsv(List<SynthClass> part) {
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int id = 0; id < part.size(); id++) {
            csv.append(id).append(',').append(part.get(id).name()).append('\n');
        }
        return csv.toString();
    }

    public String trainList() {
        return list(true, 0, classes.size(), Integer.MAX_VALUE);
    }

    public String valList() {
        return list(false, 0, classes.size(), Integer.MAX_VALUE);
    }

    public String baseTrainList() {
        return list(true, 0, baseClasses, Integer.MAX_VALUE);
    }

    public String baseValList() {
        return list(false, 0, baseClasses, Integer.MAX_VALUE);
    }

    /** Validation videos of the novel classes, labels renumbered from 0 as in {@link #novelLabelsCsv()}. */
    public String novelValList() {
        return list(false, baseClasses, classes.size(), Integer.MAX_VALUE);
    }

    /** The first {@code shots} training videos of every class. */
    public String fewShotList(int shots) {
        return list(true, 0, classes.size(), shots);
    }

    /** The first {@code shots} training videos of every base class. */
    public String baseFewShotList(int shots) {
        return list(true, 0, baseClasses, shots);
    }

    /**
     * ViFi-CLIP list lines {@code path label} for the classes {@code from..to-1}, labels counted from
     * {@code from}, at most {@code perClass} videos of each.
     */
    private String list(boolean train, int from, int to, int perClass) {
        StringBuilder lines = new StringBuilder();
        int[] taken = new int[classes.size()];
        for (Video v : videos) {
            if (v.train() == train && v.label() >= from && v.label() < to && taken[v.label()] < perClass) {
                taken[v.label()]++;
                lines.append(v.relativePath()).append(' ').append(v.label() - from).append('\n');
            }
        }
        return lines.toString();
    }
}
