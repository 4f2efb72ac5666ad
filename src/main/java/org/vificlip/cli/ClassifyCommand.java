package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.data.VideoListEntry;
import org.vificlip.model.ClipModel;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code vificlip classify --weights W [--checkpoint C] (--frames X.npy | --video FILE... | --list FILE) --labels L [--top 5] [--out logits.npy]}:
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
        return ListedVideos.add(ModelOptions.addLabels(ModelOptions.addFrames(ModelOptions.addWeights(new Options()))))
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
        List<VideoListEntry> listed = null;
        if (cmd.hasOption("list")) {
            if (cmd.hasOption("video") || cmd.hasOption("frames")) {
                throw new ParseException("give exactly one of --frames X.npy, --video FILE... or --list FILE");
            }
            listed = ListedVideos.read(cmd);
        }
        ClipModel model = ModelOptions.loadModel(cmd);
        int[][] tokens = ModelOptions.promptTokens(cmd, classes, model.config(), model.prompts().orElse(null));
        INDArray text = TextFeaturesCommand.encode(model, tokens);
        INDArray video;
        List<VideoListEntry> rows = null;
        if (listed != null) {
            ListedVideos.Encoded encoded = ListedVideos.encode(cmd, model, listed, false);
            video = encoded.video();
            rows = encoded.kept();
        } else {
            video = FeaturesCommand.encode(model, ModelOptions.readFrames(cmd, model.config())).video();
        }
        INDArray logits = model.logitsOfFeatures(video, text);
        INDArray probabilities = Nd4j.nn.softmax(logits.dup(), 1);
        int correct1 = 0;
        int correct5 = 0;
        for (int b = 0; b < logits.rows(); b++) {
            float[] p = probabilities.getRow(b).toFloatVector();
            List<Integer> ranked = IntStream.range(0, p.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer c) -> -p[c])).toList();
            if (rows == null) {
                System.out.println("video " + b + ":");
            } else {
                int label = rows.get(b).label();
                System.out.println(rows.get(b).video() + " (list line " + rows.get(b).line() + ", label " + label
                        + (label < classes.size() ? " " + classes.get(label) : "") + "):");
                correct1 += ranked.get(0) == label ? 1 : 0;
                correct5 += ranked.subList(0, Math.min(5, ranked.size())).contains(label) ? 1 : 0;
            }
            ranked.stream().limit(Math.min(top, p.length))
                    .forEach(c -> System.out.printf("  %6.2f%%  %s%n", 100.0 * p[c], classes.get(c)));
        }
        if (rows != null) {
            System.out.printf("top-1 %.2f%%, top-5 %.2f%% against the list's labels, %d videos (%d skipped)%n",
                    100.0 * correct1 / rows.size(), 100.0 * correct5 / rows.size(), rows.size(), listed.size() - rows.size());
        }
        if (cmd.hasOption("out")) {
            Path out = Path.of(cmd.getOptionValue("out"));
            ModelOptions.writeArray(out, logits);
        }
        return 0;
    }
}
