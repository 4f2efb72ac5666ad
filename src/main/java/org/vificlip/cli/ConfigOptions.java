package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.BadInputException;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.download.ModelCache;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.PromptConfig;
import org.vificlip.train.PromptParameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What {@code train}, {@code eval} and {@code spark} share: a ViFi-CLIP config with --opts overrides, and its model. */
public final class ConfigOptions {
    private ConfigOptions() {
    }

    public static Options add(Options options) {
        return ModelOptions.addWeights(options)
                .addOption(Option.builder().longOpt("config").hasArg().argName("C.yaml")
                        .desc("a ViFi-CLIP config file, as the authors ship them (required); without --weights, its MODEL.ARCH"
                                + " (ViT-B/16, ...) is taken from the download cache").build())
                .addOption(Option.builder().longOpt("opts").hasArgs().argName("KEY VALUE")
                        .desc("override config keys as ViFi-CLIP's --opts, e.g. --opts TRAIN.EPOCHS 3 TRAIN.LR 1e-4").build())
                .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                        .desc("video decoding threads (default: the number of cores)").build());
    }

    public static ViFiClipConfig load(CommandLine cmd) throws IOException, ParseException {
        Path file = Path.of(ModelOptions.required(cmd, "config"));
        List<String> opts = cmd.hasOption("opts") ? Arrays.asList(cmd.getOptionValues("opts")) : List.of();
        ViFiClipConfig config = ViFiClipConfig.load(file, opts);
        PromptParameters.design(config); // a prompt design ViFi-CLIP refuses stops here
        return config;
    }

    public static int threads(CommandLine cmd) throws ParseException {
        return ModelOptions.positiveInt(cmd, "threads", Runtime.getRuntime().availableProcessors());
    }

    /** {@link #loadModel(CommandLine, ViFiClipConfig, boolean)} for evaluation. */
    public static ClipModel loadModel(CommandLine cmd, ViFiClipConfig config) throws IOException, ParseException {
        return loadModel(cmd, config, false);
    }

    /**
     * --weights (with --checkpoint laid over them), checked against the config. Without --weights, MODEL.ARCH
     * names the model when it is one of OpenAI's ({@code ViT-B/16}): its file in the download cache. With
     * PROMPT_MODEL True, the frozen model with ViFi-CLIP's prompts: those the weights hold, or for
     * {@code training} fresh ones when they hold none. Without, CLIP alone (prompts a checkpoint may hold are
     * ignored, as ViFi-CLIP's non-strict load ignores them).
     */
    public static ClipModel loadModel(CommandLine cmd, ViFiClipConfig config, boolean training)
            throws IOException, ParseException {
        String weightsName = cmd.getOptionValue("weights");
        if (weightsName == null) {
            String arch = config.model().arch();
            if (!ModelCache.isArchitecture(arch)) {
                throw new ParseException("Missing required option: weights (the CLIP weights for MODEL.ARCH "
                        + arch + ": OpenAI's .pt file, a state dict, safetensors or a Hugging Face folder)");
            }
            weightsName = arch;
            System.err.println("--weights not given: MODEL.ARCH " + arch + " from the download cache");
        }
        StateDict weights = ModelOptions.loadWeights(cmd, weightsName);
        ClipConfig architecture = ClipConfig.infer(weights.shapes(), weights.source());
        PromptConfig prompts = PromptParameters.design(config);
        if (prompts != null) {
            weights = training ? PromptParameters.forTraining(weights, architecture, prompts, config.seed())
                    : PromptParameters.forEvaluation(weights, architecture, prompts);
        }
        ClipModel model = ModelOptions.build(weights, architecture, prompts);
        int resolution = model.config().imageResolution();
        if (config.data().inputSize() != resolution) {
            throw new BadInputException(config.source(), "DATA.INPUT_SIZE is " + config.data().inputSize()
                    + " but the model in " + weights + " takes " + resolution + " px images"
                    + " (set DATA.INPUT_SIZE " + resolution + ", e.g. --opts DATA.INPUT_SIZE " + resolution + ")");
        }
        return model;
    }
}
