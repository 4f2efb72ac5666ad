package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.vificlip.data.VideoListEntry;
import org.vificlip.model.ClipModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vificlip features --weights W [--checkpoint C] (--frames X.npy | --video FILE... | --list FILE) --out V.npy [--frame-features F.npy]}:
 * video features [B,E] (mean of the frames' image features, before normalisation) of B videos.
 */
public final class FeaturesCommand implements Command {
    /** Videos are encoded in groups of about this many frames, so memory stays bounded for any B. */
    static final int FRAMES_PER_STEP = 16;

    @Override
    public String name() {
        return "features";
    }

    @Override
    public String summary() {
        return "video features (mean of the CLIP image features of each video's frames) of video files or a [B,T,3,S,S] .npy";
    }

    @Override
    public Options options() {
        Options options = ListedVideos.add(ModelOptions.addFrames(ModelOptions.addWeights(new Options())));
        return options
                .addOption(Option.builder().longOpt("out").hasArg().argName("V.npy")
                        .desc("video features, float32 [B,E], before normalisation (required)").build())
                .addOption(Option.builder().longOpt("frame-features").hasArg().argName("F.npy")
                        .desc("also write the frame features, float32 [B,T,E]").build())
                .addOption(Option.builder().longOpt("rows").hasArg().argName("ROWS.txt")
                        .desc("with --list: where to write the video of each row, as a list file (default: --out with"
                                + " .txt for .npy); skipped videos have no row and are named on standard error").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        Path out = Path.of(ModelOptions.required(cmd, "out"));
        ModelOptions.required(cmd, "weights");
        if (cmd.hasOption("list")) {
            return runList(cmd, out);
        }
        ClipModel model = ModelOptions.loadModel(cmd);
        INDArray frames = ModelOptions.readFrames(cmd, model.config());
        ClipModel.VideoFeatures features = encode(model, frames);
        ModelOptions.writeArray(out, features.video());
        if (cmd.hasOption("frame-features")) {
            Path frameOut = Path.of(cmd.getOptionValue("frame-features"));
            ModelOptions.writeArray(frameOut, features.frames());
        }
        return 0;
    }

    /** --list: one row per usable video, in list order; the rows' videos written next to them. */
    private static int runList(CommandLine cmd, Path out) throws Exception {
        if (cmd.hasOption("video") || cmd.hasOption("frames")) {
            throw new ParseException("give exactly one of --frames X.npy, --video FILE... or --list FILE");
        }
        List<VideoListEntry> entries = ListedVideos.read(cmd);
        ClipModel model = ModelOptions.loadModel(cmd);
        ListedVideos.Encoded encoded = ListedVideos.encode(cmd, model, entries, cmd.hasOption("frame-features"));
        ModelOptions.writeArray(out, encoded.video());
        if (cmd.hasOption("frame-features")) {
            ModelOptions.writeArray(Path.of(cmd.getOptionValue("frame-features")), encoded.frames());
        }
        String name = out.getFileName().toString();
        Path rows = cmd.hasOption("rows") ? Path.of(cmd.getOptionValue("rows"))
                : out.resolveSibling((name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name) + ".txt");
        ListedVideos.writeRows(rows, encoded.kept());
        System.err.println(entries.size() + " videos listed, " + encoded.kept().size() + " encoded, "
                + encoded.skipped().size() + " skipped");
        return 0;
    }

    /** All videos, a few at a time, with progress on standard error. */
    static ClipModel.VideoFeatures encode(ClipModel model, INDArray frames) {
        return encode(model, frames, FRAMES_PER_STEP);
    }

    /** @param framesPerStep about how many frames one graph run takes (whole videos, at least one) */
    static ClipModel.VideoFeatures encode(ClipModel model, INDArray frames, int framesPerStep) {
        long videos = frames.size(0);
        long perStep = Math.max(1, framesPerStep / frames.size(1));
        List<INDArray> video = new ArrayList<>();
        List<INDArray> perFrame = new ArrayList<>();
        long start = System.nanoTime();
        for (long b = 0; b < videos; b += perStep) {
            INDArray group = frames.get(NDArrayIndex.interval(b, Math.min(videos, b + perStep)));
            ClipModel.VideoFeatures f = model.encodeVideos(group);
            video.add(f.video());
            perFrame.add(f.frames());
            if (videos > perStep) {
                System.err.printf("\rvideos %d/%d (%.1f s)", Math.min(videos, b + perStep), videos,
                        (System.nanoTime() - start) / 1e9);
            }
        }
        if (videos > perStep) {
            System.err.println();
        }
        return new ClipModel.VideoFeatures(Nd4j.concat(0, video.toArray(INDArray[]::new)),
                Nd4j.concat(0, perFrame.toArray(INDArray[]::new)));
    }
}
