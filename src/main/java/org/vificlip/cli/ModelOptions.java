package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.data.LabelFile;
import org.vificlip.data.NpyFile;
import org.vificlip.data.VideoClips;
import org.vificlip.download.ModelCache;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.PromptConfig;
import org.vificlip.train.ClassPrompts;
import org.vificlip.text.ClipTokenizer;
import org.vificlip.text.PromptTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The options and input handling the model commands share: weights, frames, labels and prompts. */
public final class ModelOptions {
    private ModelOptions() {
    }

    static Options addWeights(Options options) {
        return options
                .addOption(Option.builder().longOpt("weights").hasArg().argName("W")
                        .desc("CLIP weights (required): OpenAI .pt, torch.save state dict, .safetensors or a Hugging Face directory;"
                                + " or an architecture (ViT-B/16, ...) fetched by `vificlip download`")
                        .build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("C")
                        .desc("ViFi-CLIP training checkpoint (.pth) laid over the weights").build());
    }

    /** Default frames per video when reading videos, as ViFi-CLIP's configs (DATA.NUM_FRAMES). */
    static final int DEFAULT_NUM_FRAMES = 8;

    static Options addFrames(Options options) {
        return options
                .addOption(Option.builder().longOpt("frames").hasArg().argName("X.npy")
                        .desc("float32 [B,T,3,S,S]: B videos of T frames, S the model's resolution, already normalised"
                                + " (this or --video is required)")
                        .build())
                .addOption(Option.builder().longOpt("video").hasArgs().argName("FILE")
                        .desc("video file(s) or frame folder(s) (MP4/MOV H.264, AVI MPEG-4 Part 2): test-mode frames,"
                                + " resized, centre-cropped to the model's resolution and normalised as ViFi-CLIP does")
                        .build())
                .addOption(Option.builder().longOpt("num-frames").hasArg().argName("T")
                        .desc("frames sampled per video with --video (default " + DEFAULT_NUM_FRAMES + ")").build());
    }

    static Options addLabels(Options options) {
        return options
                .addOption(Option.builder().longOpt("labels").hasArg().argName("L")
                        .desc("class names: a text file (one a line) or a label CSV 'id,name' as ViFi-CLIP ships (required)")
                        .build())
                .addOption(Option.builder().longOpt("template").hasArg().argName("T")
                        .desc("prompt template, {} is the class name (default \"" + PromptTemplate.DEFAULT.template() + "\")")
                        .build());
    }

    /** The value of a required option (checked here so that --help works without it). */
    static String required(CommandLine cmd, String option) throws MissingOptionException {
        if (!cmd.hasOption(option)) {
            throw new MissingOptionException("Missing required option: " + option);
        }
        return cmd.getOptionValue(option);
    }

    /**
     * What --weights names: one of OpenAI's architectures ({@code ViT-B/16}) is its file in the download cache
     * (a missing one stops with the {@code vificlip download} command that fetches it); anything else is a path.
     */
    static Path weightsPath(String weights) throws BadInputException {
        if (ModelCache.isArchitecture(weights) && !Files.exists(Path.of(weights))) {
            return ModelCache.standard().require(weights);
        }
        return Path.of(weights);
    }

    /** Loads --weights, with --checkpoint laid over them as ViFi-CLIP's load_checkpoint does. */
    static StateDict loadWeights(CommandLine cmd) throws IOException, MissingOptionException {
        return loadWeights(cmd, required(cmd, "weights"));
    }

    /** Loads {@code weights} (a path or an architecture name), with --checkpoint laid over them. */
    static StateDict loadWeights(CommandLine cmd, String weights) throws IOException {
        Path file = weightsPath(weights);
        return cmd.hasOption("checkpoint")
                ? Checkpoints.loadFineTuned(file, Path.of(cmd.getOptionValue("checkpoint")))
                : Checkpoints.load(file);
    }

    /** Loads --weights (with --checkpoint laid over them) and builds the model. */
    static ClipModel loadModel(CommandLine cmd) throws IOException, MissingOptionException {
        return loadModel(cmd, required(cmd, "weights"));
    }

    /**
     * Loads {@code weights} (a path or an architecture name, with --checkpoint laid over them) and builds the
     * model, with the ViFi-CLIP prompts the weights hold if any.
     */
    static ClipModel loadModel(CommandLine cmd, String weights) throws IOException {
        StateDict state = loadWeights(cmd, weights);
        return build(state, ClipConfig.infer(state.shapes(), state.source()), PromptConfig.infer(state.shapes(), state.source()));
    }

    /** Builds the model (with ViFi-CLIP's prompts if {@code prompts} is not null) and says what it is. */
    static ClipModel build(StateDict state, ClipConfig c, PromptConfig prompts) throws BadInputException {
        long start = System.nanoTime();
        ClipModel model = ClipModel.build(c, state, prompts);
        System.err.printf("model: ViT %d×%d layers, patch %d at %d px; text %d×%d layers; embedding %d%s (built in %d ms)%n",
                c.visionWidth(), c.visionLayers(), c.visionPatchSize(), c.imageResolution(), c.textWidth(),
                c.textLayers(), c.embedDim(), prompts == null ? "" : String.format("; prompts: %d text tokens to depth %d,"
                        + " %d vision tokens to depth %d", prompts.nCtxText(), prompts.depthText(), prompts.nCtxVision(),
                        prompts.depthVision()), (System.nanoTime() - start) / 1_000_000);
        return model;
    }

    /**
     * The model's input [B,T,3,S,S]: --frames as given (checked), or each --video decoded, sampled and
     * preprocessed at the model's resolution.
     */
    static INDArray readFrames(CommandLine cmd, ClipConfig config) throws IOException, ParseException {
        if (cmd.hasOption("video") == cmd.hasOption("frames") || cmd.hasOption("list")) {
            throw new ParseException("give exactly one of --frames X.npy or --video FILE..."
                    + (cmd.hasOption("list") ? " or --list FILE" : ""));
        }
        return cmd.hasOption("video") ? readVideos(cmd, config) : readFramesNpy(cmd, config);
    }

    private static INDArray readVideos(CommandLine cmd, ClipConfig config) throws IOException, ParseException {
        int numFrames = positiveInt(cmd, "num-frames", DEFAULT_NUM_FRAMES);
        String[] videos = cmd.getOptionValues("video");
        INDArray[] clips = new INDArray[videos.length];
        for (int i = 0; i < videos.length; i++) {
            clips[i] = VideoClips.testClip(Path.of(videos[i]), numFrames, config.imageResolution()).toBatchINDArray();
        }
        return clips.length == 1 ? clips[0] : Nd4j.concat(0, clips);
    }

    /** An option holding a whole number of at least 1, or its default. */
    public static int positiveInt(CommandLine cmd, String option, int defaultValue) throws ParseException {
        String value = cmd.getOptionValue(option, Integer.toString(defaultValue));
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ParseException("--" + option + " must be a positive whole number, got '" + value + "'");
    }

    /** Writes a result array as float32 .npy and says so on standard error (standard output is for results). */
    static void writeArray(Path out, INDArray array) throws IOException {
        NpyFile.write(out, array);
        System.err.println("wrote " + out + " " + Arrays.toString(array.shape()));
    }

    /** Reads --frames and checks it is [B,T,3,S,S] at the model's resolution. */
    private static INDArray readFramesNpy(CommandLine cmd, ClipConfig config) throws IOException, MissingOptionException {
        Path file = Path.of(required(cmd, "frames"));
        INDArray frames = NpyFile.readFloat32(file);
        long s = config.imageResolution();
        long[] shape = frames.shape();
        if (shape.length != 5) {
            throw new BadInputException(file, "shape " + Arrays.toString(shape) + " has rank " + shape.length
                    + ", expected [B,T,3," + s + "," + s + "] (B videos of T frames)");
        }
        if (shape[2] != 3 || shape[3] != s || shape[4] != s) {
            throw new BadInputException(file, "shape " + Arrays.toString(shape) + ", expected [B,T,3," + s + "," + s
                    + "]: the model's resolution is " + s);
        }
        if (shape[0] == 0 || shape[1] == 0) {
            throw new BadInputException(file, "shape " + Arrays.toString(shape) + " holds no frames");
        }
        return frames;
    }

    static List<String> readClassNames(CommandLine cmd) throws IOException, MissingOptionException {
        Path file = Path.of(required(cmd, "labels"));
        List<String> names = LabelFile.readClassNames(file);
        if (names.isEmpty()) {
            throw new BadInputException(file, "no class names");
        }
        return names;
    }

    /**
     * "a photo of a {}." (or --template) of each class, tokenised as clip.tokenize with truncation. With a
     * prompted model ({@code prompts} not null) ViFi-CLIP's prompts for the learned context,
     * {@code "X X .. X {}."} (underscores in class names as spaces); --template does not apply then.
     */
    static int[][] promptTokens(CommandLine cmd, List<String> classNames, ClipConfig config, PromptConfig prompts)
            throws ParseException {
        if (prompts != null) {
            if (cmd.hasOption("template")) {
                throw new ParseException("--template does not apply to a model with learned prompts: its class prompts"
                        + " are \"" + ClassPrompts.learned(prompts).template() + "\" with the X tokens learned");
            }
            List<String> names = classNames.stream().map(n -> n.replace("_", " ")).toList();
            return ClipTokenizer.load().tokenize(ClassPrompts.learned(prompts).formatAll(names), config.contextLength(), true);
        }
        PromptTemplate template;
        try {
            template = cmd.hasOption("template") ? new PromptTemplate(cmd.getOptionValue("template")) : PromptTemplate.DEFAULT;
        } catch (IllegalArgumentException e) {
            throw new ParseException("--template: " + e.getMessage());
        }
        return ClipTokenizer.load().tokenize(template.formatAll(classNames), config.contextLength(), true);
    }
}
