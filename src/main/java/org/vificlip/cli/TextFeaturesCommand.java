package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.model.ClipModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vificlip text-features --weights W [--checkpoint C] --labels L [--template T] --out T.npy}:
 * CLIP text features [C,E] (before normalisation) of one prompt per class.
 */
public final class TextFeaturesCommand implements Command {
    /** Prompts per graph run: bounds memory, and shows progress for long label lists. */
    static final int PROMPTS_PER_STEP = 100;

    @Override
    public String name() {
        return "text-features";
    }

    @Override
    public String summary() {
        return "CLIP text features of the class prompts (\"a photo of a {}.\") of a label file";
    }

    @Override
    public Options options() {
        return ModelOptions.addLabels(ModelOptions.addWeights(new Options()))
                .addOption(Option.builder().longOpt("out").hasArg().argName("T.npy")
                        .desc("text features, float32 [C,E] in label order, before normalisation (required)").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        Path out = Path.of(ModelOptions.required(cmd, "out"));
        ModelOptions.required(cmd, "weights");
        List<String> classes = ModelOptions.readClassNames(cmd);
        ClipModel model = ModelOptions.loadModel(cmd);
        int[][] tokens = ModelOptions.promptTokens(cmd, classes, model.config(), model.prompts().orElse(null));
        INDArray features = encode(model, tokens);
        ModelOptions.writeArray(out, features);
        return 0;
    }

    /** All prompts, a step at a time, with progress on standard error. */
    static INDArray encode(ClipModel model, int[][] tokens) {
        return encode(model, tokens, PROMPTS_PER_STEP);
    }

    static INDArray encode(ClipModel model, int[][] tokens, int promptsPerStep) {
        List<INDArray> parts = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < tokens.length; i += promptsPerStep) {
            parts.add(model.encodeText(Arrays.copyOfRange(tokens, i, Math.min(tokens.length, i + promptsPerStep))));
            if (tokens.length > promptsPerStep) {
                System.err.printf("\rprompts %d/%d (%.1f s)", Math.min(tokens.length, i + promptsPerStep),
                        tokens.length, (System.nanoTime() - start) / 1e9);
            }
        }
        if (tokens.length > promptsPerStep) {
            System.err.println();
        }
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }
}
