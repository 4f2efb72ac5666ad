package org.vificlip.bench;

import com.google.gson.GsonBuilder;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.RandomWeights;
import org.vificlip.model.Nd4jSetup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The SameDiff side of {@code benchmarks/clip}: the same three measurements as
 * {@code pytorch_clip_bench.py}, through {@link ClipModel} with random weights of the real shapes,
 * the same warm-up/median policy ({@link Timing}) and FLOP counts ({@link ClipFlops}); JSON out.
 * <ul>
 *   <li>{@code vit-b16}, {@code vit-b32}: image encoder on 8 frames 224×224 ({@link ClipModel#encodeImages})</li>
 *   <li>{@code text}: text encoder on 400 prompts, context 77 ({@link ClipModel#encodeText}, token look-up included)</li>
 * </ul>
 * Threads: ND4J uses {@code OMP_NUM_THREADS} (default: all cores); set it in the environment.
 * {@code --profile} adds one pass per case with {@link OpTimingListener}, its table on stderr.
 */
public final class ClipBench {
    static final int RESOLUTION = 224;

    /** ViT-B/16 or ViT-B/32 with CLIP's text tower: width 768/512, 12 layers each, embedding 512. */
    static ClipConfig vitB(int patch) {
        return new ClipConfig(512, RESOLUTION, 12, 768, patch, 77, 49408, 512, 12);
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("cases").hasArg()
                .desc("comma-separated subset of vit-b16,vit-b32,text (default: all)").build());
        options.addOption(Option.builder().longOpt("warmup").hasArg().desc("untimed runs (default 2)").build());
        options.addOption(Option.builder().longOpt("runs").hasArg().desc("timed runs, median reported (default 5)").build());
        options.addOption(Option.builder().longOpt("frames").hasArg().desc("images per forward (default 8)").build());
        options.addOption(Option.builder().longOpt("prompts").hasArg().desc("prompts per forward (default 400)").build());
        options.addOption(Option.builder().longOpt("out").hasArg().desc("also write the JSON to this file").build());
        options.addOption(Option.builder().longOpt("profile")
                .desc("one more pass per case timing every op (stderr); thread CPU time when OMP_NUM_THREADS=1").build());
        CommandLine cl = BenchArgs.parse(ClipBench.class, options, args);
        if (cl == null) {
            return;
        }
        List<String> cases = Arrays.asList(cl.getOptionValue("cases", "vit-b16,vit-b32,text").split(","));
        int warmup = Integer.parseInt(cl.getOptionValue("warmup", "2"));
        int runs = Integer.parseInt(cl.getOptionValue("runs", "5"));
        int frames = Integer.parseInt(cl.getOptionValue("frames", "8"));
        int prompts = Integer.parseInt(cl.getOptionValue("prompts", "400"));
        boolean profile = cl.hasOption("profile");
        Nd4jSetup.apply();
        boolean oneThread = "1".equals(System.getenv("OMP_NUM_THREADS"));

        List<Map<String, Object>> results = new ArrayList<>();
        for (int patch : new int[]{16, 32}) {
            String name = "vit-b" + patch;
            boolean wantText = patch == 16 && cases.contains("text");
            if (!cases.contains(name) && !wantText) {
                continue;
            }
            ClipConfig config = vitB(patch);
            ClipModel model = ClipModel.build(config, RandomWeights.of(config, 42));
            if (cases.contains(name)) {
                Nd4j.getRandom().setSeed(0);
                INDArray images = Nd4j.randn(DataType.FLOAT, frames, 3, RESOLUTION, RESOLUTION);
                Timing t = Timing.measure(warmup, runs, () -> model.encodeImages(images));
                long flops = ClipFlops.image(frames, RESOLUTION, patch, config.visionWidth(), config.visionLayers(),
                        config.embedDim());
                results.add(result(name, "image encoder, " + frames + " frames 224x224", flops, t));
                if (profile) {
                    profile(model, name, oneThread, () -> model.encodeImages(images));
                }
            }
            if (wantText) {
                int[][] tokens = randomPrompts(prompts, config);
                Timing t = Timing.measure(warmup, runs, () -> model.encodeText(tokens));
                long flops = ClipFlops.text(prompts, config.contextLength(), config.textWidth(), config.textLayers(),
                        config.embedDim());
                results.add(result("text", "text encoder, " + prompts + " prompts, context 77", flops, t));
                if (profile) {
                    profile(model, "text", oneThread, () -> model.encodeText(tokens));
                }
            }
        }

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", "samediff");
        report.put("nd4j_version", "1.0.0-M2.1");
        report.putAll(NativeBackend.describe());
        report.put("nd4j_environment", Nd4jSetup.describe());
        report.put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
        report.put("warmup", warmup);
        report.put("runs", runs);
        report.put("loadavg_at_end", loadAverage());
        report.put("results", results);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(report);
        System.out.println(json);
        if (cl.hasOption("out")) {
            Files.writeString(Path.of(cl.getOptionValue("out")), json + "\n");
        }
    }

    private static Map<String, Object> result(String name, String what, long flops, Timing t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("case", name);
        r.put("what", what);
        r.put("ms", t.medianMs());
        r.put("min_ms", t.minMs());
        r.put("runs_ms", t.runsMs());
        r.put("thread_cpu_ms", t.medianThreadCpuMs());
        r.put("runs_thread_cpu_ms", t.runsThreadCpuMs());
        r.put("flops", flops);
        r.put("gflops_per_s", flops / t.medianMs() / 1e6);
        return r;
    }

    private static void profile(ClipModel model, String name, boolean threadCpu, Timing.Work work) throws Exception {
        OpTimingListener listener = new OpTimingListener(threadCpu);
        model.sameDiff().setListeners(listener);
        Timing t = Timing.measure(0, 1, work);
        model.sameDiff().setListeners();
        System.err.printf("%n== %s: one profiled pass, %.1f ms wall, %.1f ms thread CPU, %.1f ms inside ops (%s)%n%s%n",
                name, t.medianMs(), t.medianThreadCpuMs(), listener.totalNanos() / 1e6,
                threadCpu ? "thread CPU time" : "wall time", listener.table(30));
        System.err.println("by op: " + listener.msByOp().entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList());
    }

    /**
     * Ids shaped like tokenised class prompts, as the Python side makes them: start token, 5..15
     * word ids, end token (the largest id, found by argmax), zero padding to the context length.
     */
    static int[][] randomPrompts(int count, ClipConfig config) {
        Random random = new Random(0);
        int vocab = config.vocabSize();
        int[][] rows = new int[count][config.contextLength()];
        for (int[] row : rows) {
            int n = 5 + random.nextInt(11);
            row[0] = vocab - 2;
            for (int i = 1; i <= n; i++) {
                row[i] = 1 + random.nextInt(vocab - 3);
            }
            row[n + 1] = vocab - 1;
        }
        return rows;
    }

    static List<String> loadAverage() {
        try {
            return Arrays.asList(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")).subList(0, 3);
        } catch (IOException e) {
            return List.of();
        }
    }
}
