package org.vificlip.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.bench.NativeBackend;
import org.vificlip.bench.ProcessStats;
import org.vificlip.bench.Timing;
import org.vificlip.checkpoint.OpenAiModels;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.Nd4jSetup;
import org.vificlip.text.ClipTokenizer;
import org.vificlip.text.PromptTemplate;
import org.vificlip.train.AdamW;
import org.vificlip.MemoryReclaimer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vificlip bench}: which backend and device this build runs on, and how fast: inference (the image
 * encoder over B·T frames) and one ViFi-CLIP training step (both encoders over B videos and C class prompts,
 * cross-entropy, gradients, AdamW), as {@code benchmarks/train} and {@code TrainBench} time them. The result
 * is printed under the keys of the PyTorch anchors ({@code pytorch-h100.json}: {@code train_step_s},
 * {@code train_videos_per_s}, {@code train_frames_per_s}, {@code train_peak_gib}, {@code infer_frames_per_s})
 * for a case named like theirs ({@code vit_b16_B4_T8_C101_fp32}), so the numbers compare one to one;
 * {@code --anchor FILE} prints the ratios. The bundled small CLIP runs by default, in seconds.
 */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "backend, device and throughput of inference and a training step (frames/s, videos/s, peak memory)";
    }

    @Override
    public Options options() {
        Options o = BundledClip.addProject(ModelOptions.addWeights(new Options()));
        o.addOption(Option.builder().longOpt("weights").hasArg().argName("W")   // replaces addWeights' "(required)"
                .desc("CLIP weights, as for the model commands (default: the bundled small CLIP)").build());
        o.addOption(Option.builder().longOpt("batch").hasArg().argName("B").desc("videos per step (default 4)").build());
        o.addOption(Option.builder().longOpt("num-frames").hasArg().argName("T").desc("frames per video (default 8)").build());
        o.addOption(Option.builder().longOpt("classes").hasArg().argName("C").desc("class prompts per training step (default 101 with --weights, else 10)").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("timed runs of each, median reported (default 5)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("untimed runs first (default 2)").build());
        o.addOption(Option.builder().longOpt("anchor").hasArg().argName("JSON")
                .desc("reference numbers to compare with, e.g. ../shared/anchors/pytorch-h100.json (same case name)").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("JSON").desc("also write the report here").build());
        return o;
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        int batch = ModelOptions.positiveInt(cmd, "batch", 4);
        int frames = ModelOptions.positiveInt(cmd, "num-frames", 8);
        // 101 classes as the anchors' UCF-101 case for real models; the bundled one runs in seconds with 10
        int classes = ModelOptions.positiveInt(cmd, "classes", cmd.hasOption("weights") ? 101 : 10);
        int steps = ModelOptions.positiveInt(cmd, "steps", 5);
        int warmup = Integer.parseInt(cmd.getOptionValue("warmup", "2"));
        String weights = cmd.hasOption("weights") ? cmd.getOptionValue("weights") : BundledClip.locate(cmd).toString();
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            System.err.println("note: OMP_WAIT_POLICY is not set; on a machine shared with other work export"
                    + " OMP_WAIT_POLICY=PASSIVE first (spinning OpenMP threads can make every number several times worse)");
        }
        Nd4jSetup.applyOnce();
        ClipModel model = ModelOptions.loadModel(cmd, weights);
        ClipConfig config = model.config();
        String caseName = archName(config) + "_B" + batch + "_T" + frames + "_C" + classes + "_fp32";

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        report.put("device", device());
        report.put("weights", weights);
        report.put("nd4j_version", "1.0.0-M2.1");
        report.put("nd4j_environment", environment());
        report.putAll(NativeBackend.describe());
        report.put("threads_setup", Nd4jSetup.describe());
        System.err.println("backend " + report.get("backend") + " on " + report.get("device") + "; case " + caseName);

        Nd4j.getRandom().setSeed(0);
        INDArray input = Nd4j.randn(DataType.FLOAT, batch, frames, 3, config.imageResolution(), config.imageResolution());
        Timing infer = Timing.measure(warmup, steps, () -> model.encodeVideos(input));
        System.err.printf("inference: %.1f ms per %d frames%n", infer.medianMs(), batch * frames);

        int[][] tokens = ClipTokenizer.load().tokenize(PromptTemplate.DEFAULT.formatAll(classNames(classes)),
                config.contextLength(), true);
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = b % classes;
        }
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String key : model.trainableParameters()) {
            params.put(key, model.parameter(key));
        }
        AdamW optimizer = AdamW.vifiClip(0.001);
        MemoryReclaimer reclaimer = MemoryReclaimer.standard();
        Timing train = Timing.measure(warmup, steps, () -> {
            try (ClipModel.Gradients g = model.gradients(input, tokens, labels)) {
                optimizer.step(params, g.byParameter(), 1e-5);
            }
            reclaimer.afterStep();
        });
        System.err.printf("training step: %.1f ms for %d videos%n", train.medianMs(), batch);

        double trainS = train.medianMs() / 1000;
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("train_step_s", trainS);
        numbers.put("train_videos_per_s", batch / trainS);
        numbers.put("train_frames_per_s", batch * frames / trainS);
        // host resident peak (VmHWM) of the whole run: on the CPU backend that is where the model lives
        numbers.put("train_peak_gib", ProcessStats.now().peakRssMb() / 1024);
        numbers.put("infer_frames_per_s", batch * frames / (infer.medianMs() / 1000));
        report.put("peak_memory", "process peak resident set (VmHWM), host memory");
        report.put("warmup", warmup);
        report.put("steps", steps);
        report.put(caseName, numbers);
        if (cmd.hasOption("anchor")) {
            report.put("compared_with", compare(Path.of(cmd.getOptionValue("anchor")), caseName, numbers));
        }
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(report);
        System.out.println(json);
        if (cmd.hasOption("out")) {
            Files.writeString(Path.of(cmd.getOptionValue("out")), json + "\n");
        }
        return 0;
    }

    /** The anchors' name of an architecture: vit_b16 for OpenAI's ViT-B/16, clip_small for the bundled one. */
    static String archName(ClipConfig config) {
        for (Map.Entry<String, ClipConfig> e : OpenAiModels.VIT.entrySet()) {
            if (e.getValue().equals(config)) {
                return e.getKey().toLowerCase().replace("-", "_").replace("/", "").replace("@", "_");
            }
        }
        return config.visionWidth() <= 256 ? "clip_small" : "clip_w" + config.visionWidth() + "_p" + config.visionPatchSize();
    }

    /** Class names "class 1" ... for the prompts: the text tower's work depends only on their count and length. */
    private static List<String> classNames(int classes) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("class " + (i + 1));
        }
        return names;
    }

    private static Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>();
        Nd4j.getExecutioner().getEnvironmentInformation().forEach((k, v) -> env.put(String.valueOf(k), v));
        return env;
    }

    /** The GPU's name (CUDA backend), else the CPU's model name and core count. */
    static String device() {
        Object devices = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        if (devices instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            Object name = first.get("cuda.deviceName");
            Object total = first.get("cuda.totalMemory");
            return "GPU " + name + (total != null ? " (" + total + " bytes)" : "") + (list.size() > 1 ? ", " + list.size() + " devices" : "");
        }
        String cpu = "CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("CPU");
        } catch (IOException e) {
            // not Linux: the generic name
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /** Our numbers over the anchor's for the same case (speeds: higher is better; time and memory: lower). */
    private static Map<String, Object> compare(Path anchorFile, String caseName, Map<String, Object> ours) throws IOException {
        JsonObject anchors = JsonParser.parseString(Files.readString(anchorFile)).getAsJsonObject();
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("file", anchorFile.toString());
        ratios.put("device", anchors.has("device") ? anchors.get("device").getAsString() : null);
        if (!anchors.has(caseName)) {
            ratios.put("note", "no case " + caseName + " there; it has " + anchors.keySet());
            System.err.println(anchorFile + ": no case " + caseName + " to compare with");
            return ratios;
        }
        JsonObject theirs = anchors.getAsJsonObject(caseName);
        for (Map.Entry<String, Object> e : ours.entrySet()) {
            if (theirs.has(e.getKey())) {
                double ratio = ((Number) e.getValue()).doubleValue() / theirs.get(e.getKey()).getAsDouble();
                ratios.put(e.getKey() + "_ratio", ratio);
                System.err.printf("%-20s ours %10.3f  anchor %10.3f  ratio %.3f%n", e.getKey(),
                        ((Number) e.getValue()).doubleValue(), theirs.get(e.getKey()).getAsDouble(), ratio);
            }
        }
        return ratios;
    }
}
