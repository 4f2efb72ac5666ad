package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.model.ClipModel;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code vificlip classify --weights W [--checkpoint C] (--frames X.npy | --video FILE...) --labels L [--top 5] [--out logits.npy]}:
 * zero-shot / fine-tuned video classification as ViFi-CLIP does it: logits = exp(logit_scale)·cos(video,
 * prompt), probabilities by softmax over the classes; prints the top classes of each video.
 */
public final class ClassifyCommand implements Command {
    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String summary() {
        return "rank the classes of a label file for each video (video files or a [B,T,3,S,S] .npy), with probabilities";
    }

    @Override
    public Options options() {
        return ModelOptions.addLabels(ModelOptions.addFrames(ModelOptions.addWeights(new Options())))
                .addOption(Option.builder().longOpt("top").hasArg().argName("K")
                        .desc("classes shown per video (default 5)").build())
                .addOption(Option.builder().longOpt("out").hasArg().argName("logits.npy")
                        .desc("also write the logits, float32 [B,C]").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        int top = ModelOptions.positiveInt(cmd, "top", 5);
        ModelOptions.required(cmd, "weights");
        List<String> classes = ModelOptions.readClassNames(cmd);
        ClipModel model = ModelOptions.loadModel(cmd);
        INDArray frames = ModelOptions.readFrames(cmd, model.config());
        int[][] tokens = ModelOptions.promptTokens(cmd, classes, model.config(), model.prompts().orElse(null));

        INDArray text = TextFeaturesCommand.encode(model, tokens);
        INDArray video = FeaturesCommand.encode(model, frames).video();
        INDArray logits = model.logitsOfFeatures(video, text);
        INDArray probabilities = Nd4j.nn.softmax(logits.dup(), 1);
        for (int b = 0; b < logits.rows(); b++) {
            System.out.println("video " + b + ":");
            float[] p = probabilities.getRow(b).toFloatVector();
            IntStream.range(0, p.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer c) -> -p[c]))
                    .limit(Math.min(top, p.length))
                    .forEach(c -> System.out.printf("  %6.2f%%  %s%n", 100.0 * p[c], classes.get(c)));
        }
        if (cmd.hasOption("out")) {
            Path out = Path.of(cmd.getOptionValue("out"));
            ModelOptions.writeArray(out, logits);
        }
        return 0;
    }
}
