package org.vificlip.bench;

import com.google.gson.GsonBuilder;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.data.LabelFile;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.JitDirectives;
import org.vificlip.model.Nd4jSetup;
import org.vificlip.model.PromptConfig;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.train.ClassPrompts;
import org.vificlip.train.PromptParameters;
import org.vificlip.model.RandomWeights;
import org.vificlip.text.ClipTokenizer;
import org.vificlip.text.PromptTemplate;
import org.vificlip.train.AdamW;
import org.vificlip.MemoryReclaimer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java side of {@code benchmarks/train}: one ViFi-CLIP training step (full fine-tuning, fp32) timed
 * as {@code pytorch_train_bench.py} times PyTorch's, one case per process (a case that runs out of
 * memory takes no other with it):
 * <pre>
 *   frames [B,T,3,224,224] (random, seed 0) → {@link ClipModel#gradients} over all C class prompts
 *   ("a photo of a {}.", the first C classes of UCF-101, or of Kinetics-400 above 101)
 *   → {@link AdamW} step on every trainable parameter (lr 1e-5, betas 0.9/0.98, eps 1e-8, wd 0.001)
 * </pre>
 * Weights from {@link RandomWeights} (timings do not depend on the values). {@code --prompts N:D}: prompt
 * learning instead ({@code PROMPT_MODEL}: CLIP frozen as graph constants, only ViFi-CLIP's prompts trained,
 * class prompts "X X .. X {}."). {@code --warmup} untimed
 * steps, then {@code --steps} timed ones; reported as JSON: median seconds per step and each step's,
 * frames/s, peak and per-step resident memory, user/system CPU seconds over the timed steps, threads
 * ({@link ProcessStats}). {@code --tokens-out} only writes the prompts' token ids (for the Python side)
 * and exits. Threads: ND4J uses {@code OMP_NUM_THREADS}.
 */
public final class TrainBench {
    static final int RESOLUTION = 224;
    private static final int CONTEXT = ClipTokenizer.CONTEXT_LENGTH;
    /** Exit status when a step ran out of memory (the JSON then says "OOM"). */
    static final int EXIT_OOM = 3;

    public static void main(String[] args) throws Exception {
        Options options = new Options();
        options.addOption(longOption("batch", "videos per step, B (default 1)"));
        options.addOption(longOption("frames", "frames per video, T (default 8)"));
        options.addOption(longOption("classes", "class prompts, C (default 10; at most 400)"));
        options.addOption(longOption("steps", "timed steps, median reported (default 10)"));
        options.addOption(longOption("warmup", "untimed steps first (default 2)"));
        options.addOption(longOption("arch", "vit-b16 (default), vit-b32, or tiny (for testing the scripts)"));
        options.addOption(longOption("labels", "folder holding ucf_101_labels.csv and kinetics_400_labels.csv "
                + "(default benchmarks/train)"));
        options.addOption(longOption("lr", "learning rate (default 1e-5)"));
        options.addOption(longOption("weight-decay", "AdamW weight decay (default 0.001)"));
        options.addOption(longOption("prompts", "learn ViFi-CLIP prompts on the frozen model instead of fine-tuning"
                + " it: N:D = N prompt tokens per side, prompt depth D on both sides (the few-shot recipe: 10:12)"));
        options.addOption(Option.builder().longOpt("recompute").desc("activation recomputation on "
                + "(TRAIN.USE_CHECKPOINT: block-wise backward)").build());
        options.addOption(longOption("out", "also write the JSON to this file"));
        options.addOption(longOption("tokens-out", "only write the prompts and their token ids [C][77] as JSON "
                + "to this file, then exit"));
        CommandLine cl = BenchArgs.parse(TrainBench.class, options, args);
        if (cl == null) {
            return;
        }
        int batch = intOption(cl, "batch", 1);
        int frameCount = intOption(cl, "frames", 8);
        int classes = intOption(cl, "classes", 10);
        int steps = intOption(cl, "steps", 10);
        int warmup = Integer.parseInt(cl.getOptionValue("warmup", "2"));
        String arch = cl.getOptionValue("arch", "vit-b16");
        double lr = Double.parseDouble(cl.getOptionValue("lr", "1e-5"));
        double weightDecay = Double.parseDouble(cl.getOptionValue("weight-decay", "0.001"));
        Path labelsDir = Path.of(cl.getOptionValue("labels", "benchmarks/train"));

        PromptConfig design = cl.hasOption("prompts") ? promptDesign(cl.getOptionValue("prompts")) : null;
        PromptTemplate template = design == null ? PromptTemplate.DEFAULT : ClassPrompts.learned(design);
        List<String> prompts = template.formatAll(classNames(labelsDir, classes));
        int[][] tokens = ClipTokenizer.load().tokenize(prompts, CONTEXT, true);
        if (cl.hasOption("tokens-out")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("prompts", prompts);
            out.put("tokens", tokens);
            Files.writeString(Path.of(cl.getOptionValue("tokens-out")), new GsonBuilder().create().toJson(out) + "\n");
            return;
        }

        ClipConfig config = arch(arch);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", "samediff");
        report.put("status", "ok");
        report.put("nd4j_version", "1.0.0-M2.1");
        report.put("arch", arch);
        report.put("batch", batch);
        report.put("frames", frameCount);
        report.put("classes", classes);
        report.put("text_positions", longestPrompt(tokens));
        report.put("warmup", warmup);
        report.put("steps", steps);
        report.put("lr", lr);
        report.put("weight_decay", weightDecay);
        report.put("prompts", cl.getOptionValue("prompts"));
        report.put("recompute", cl.hasOption("recompute"));

        long buildStart = System.nanoTime();
        StateDict weights = RandomWeights.of(config, 42);
        if (design != null) {
            weights = PromptParameters.forTraining(weights, config, design, 42);
        }
        ClipModel model = ClipModel.build(config, weights, design);
        model.recomputeActivations(cl.hasOption("recompute"));
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String key : model.trainableParameters()) {
            params.put(key, model.parameter(key));
        }
        AdamW optimizer = AdamW.vifiClip(weightDecay);
        MemoryReclaimer reclaimer = MemoryReclaimer.standard();
        Nd4j.getRandom().setSeed(0);
        INDArray frames = Nd4j.randn(DataType.FLOAT, batch, frameCount, 3, RESOLUTION, RESOLUTION);
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = b % classes;  // the same labels as the Python side
        }
        report.putAll(NativeBackend.describe());
        report.put("nd4j_environment", Nd4jSetup.describe());
        report.put("jit_directives", JitDirectives.applyOnce());
        report.put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
        report.put("trainable_parameters", params.values().stream().mapToLong(INDArray::length).sum());
        report.put("build_seconds", (System.nanoTime() - buildStart) / 1e9);

        List<Double> warmupSeconds = new ArrayList<>();
        List<Double> stepSeconds = new ArrayList<>();
        List<Double> optimizerSeconds = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> rssAfter = new ArrayList<>();
        List<Double> heapAfter = new ArrayList<>();
        ProcessStats atStart = null;
        int exit = 0;
        try {
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    atStart = ProcessStats.now();
                }
                long start = System.nanoTime();
                long optimizerStart;
                double loss;
                // as the training loop does it: the step's arrays closed, native memory reclaimed after it
                try (ClipModel.Gradients g = model.gradients(frames, tokens, labels)) {
                    optimizerStart = System.nanoTime();
                    optimizer.step(params, g.byParameter(), lr);
                    loss = g.loss();
                }
                reclaimer.afterStep();
                long end = System.nanoTime();
                double seconds = (end - start) / 1e9;
                (i < warmup ? warmupSeconds : stepSeconds).add(seconds);
                optimizerSeconds.add((end - optimizerStart) / 1e9);
                losses.add(loss);
                rssAfter.add(ProcessStats.now().rssMb());
                heapAfter.add(Runtime.getRuntime().totalMemory() / 1048576.0);
                System.err.printf("step %d/%d%s: %.2f s (AdamW %.2f s), loss %.4f, RSS %.0f MB%n", i + 1,
                        warmup + steps, i < warmup ? " (warm-up)" : "", seconds, optimizerSeconds.get(i), loss,
                        rssAfter.get(i));
            }
        } catch (OutOfMemoryError e) {
            // JavaCPP throws this when off-heap memory passes maxbytes/maxphysicalbytes: report, don't crash
            report.put("status", "OOM");
            report.put("error", String.valueOf(e.getMessage()));
            exit = EXIT_OOM;
        }
        ProcessStats atEnd = ProcessStats.now();

        report.put("step_seconds", stepSeconds);
        report.put("warmup_seconds", warmupSeconds);
        report.put("optimizer_seconds", optimizerSeconds);
        if (!stepSeconds.isEmpty()) {
            double perStep = Timing.median(stepSeconds);
            report.put("seconds_per_step", perStep);
            report.put("frames_per_s", batch * frameCount / perStep);
        }
        report.put("forward_gflop", (ClipFlops.image((long) batch * frameCount, RESOLUTION, config.visionPatchSize(),
                config.visionWidth(), config.visionLayers(), config.embedDim())
                + ClipFlops.text(classes, CONTEXT, config.textWidth(), config.textLayers(), config.embedDim())) / 1e9);
        report.put("peak_rss_mb", atEnd.peakRssMb());
        report.put("rss_mb_after_step", rssAfter);
        // committed Java heap: the part of the resident memory that is not ND4J's native buffers
        report.put("java_heap_committed_mb_after_step", heapAfter);
        if (atStart != null) {
            report.put("user_cpu_s", atEnd.userS() - atStart.userS());
            report.put("sys_cpu_s", atEnd.systemS() - atStart.systemS());
        }
        report.put("threads", atEnd.threads());
        report.put("losses", losses);
        report.put("loadavg_at_end", ClipBench.loadAverage());
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues()
                .create().toJson(report);
        System.out.println(json);
        if (cl.hasOption("out")) {
            Files.writeString(Path.of(cl.getOptionValue("out")), json + "\n");
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** {@code N:D}: N prompt tokens per side, depth D on both sides (N ≤ 4 starts from "a photo of a"). */
    static PromptConfig promptDesign(String spec) {
        String[] parts = spec.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--prompts takes N:D (tokens:depth), e.g. 10:12; got '" + spec + "'");
        }
        int n = Integer.parseInt(parts[0].trim());
        int depth = Integer.parseInt(parts[1].trim());
        return new PromptConfig(n, n, depth, depth, "a photo of a");
    }

    /**
     * The benchmark's architectures. {@code tiny} (width 64, 2 layers per tower, patch 32, the real
     * vocabulary and context) only checks the scripts end to end with little memory; it times nothing
     * of interest. The Python side defines the same three.
     */
    static ClipConfig arch(String name) {
        return switch (name) {
            case "vit-b16" -> ClipBench.vitB(16);
            case "vit-b32" -> ClipBench.vitB(32);
            case "tiny" -> new ClipConfig(64, RESOLUTION, 2, 64, 32, CONTEXT, 49408, 64, 2);
            default -> throw new IllegalArgumentException("--arch must be vit-b16, vit-b32 or tiny, not '" + name + "'");
        };
    }

    /** The first {@code classes} names of UCF-101 (up to 101), else of Kinetics-400. */
    static List<String> classNames(Path labelsDir, int classes) throws BadInputException {
        String file = classes <= 101 ? "ucf_101_labels.csv" : "kinetics_400_labels.csv";
        List<String> names = LabelFile.readClassNames(labelsDir.resolve(file));
        if (classes > names.size()) {
            throw new IllegalArgumentException("--classes " + classes + ": " + file + " has only " + names.size());
        }
        return names.subList(0, classes);
    }

    /** Positions the Java text tower runs: up to the longest prompt's end token (PyTorch runs all 77). */
    private static int longestPrompt(int[][] tokens) {
        int longest = 0;
        for (int[] row : tokens) {
            for (int i = row.length - 1; i >= 0; i--) {
                if (row[i] == ClipTokenizer.END_ID) {
                    longest = Math.max(longest, i + 1);
                    break;
                }
            }
        }
        return longest;
    }

    private static Option longOption(String name, String description) {
        return Option.builder().longOpt(name).hasArg().desc(description).build();
    }

    private static int intOption(CommandLine cl, String name, int fallback) {
        int value = Integer.parseInt(cl.getOptionValue(name, String.valueOf(fallback)));
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1, got " + value);
        }
        return value;
    }
}
