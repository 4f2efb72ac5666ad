package org.vificlip.cli;

import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.Progress;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.data.VideoListFile;
import org.vificlip.model.ClipModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --list FILE} of {@code classify} and {@code features}: the videos of a ViFi-CLIP list file
 * ("relative/path label" per line, as {@code DATA.VAL_FILE}), streamed through {@link VideoBatchLoader} so that
 * decoding runs ahead of the model and only a few batches are ever in memory. Videos that cannot be used are
 * skipped and named (more than {@link ConfigDataset#MAX_UNUSABLE} of the list missing stops before any work).
 */
final class ListedVideos {
    private ListedVideos() {
    }

    static Options add(Options options) {
        return options
                .addOption(Option.builder().longOpt("list").hasArg().argName("FILE")
                        .desc("a ViFi-CLIP list file, 'relative/path label' per line (instead of --video/--frames);"
                                + " the videos are decoded a few batches ahead of the model").build())
                .addOption(Option.builder().longOpt("root").hasArg().argName("DIR")
                        .desc("folder the --list paths are relative to (DATA.ROOT; default: the list's folder)").build())
                .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                        .desc("video decoding threads with --list (default: the number of cores)").build());
    }

    /** The videos the model saw, in list order, and the ones skipped. */
    record Encoded(INDArray video, INDArray frames, List<VideoListEntry> kept, List<String> skipped) {
    }

    /** The list's entries, with missing files checked up front. */
    static List<VideoListEntry> read(CommandLine cmd) throws IOException {
        Path list = Path.of(cmd.getOptionValue("list"));
        List<VideoListEntry> entries = VideoListFile.read(list, cmd.hasOption("root") ? Path.of(cmd.getOptionValue("root")) : null);
        List<String> missing = entries.stream().filter(e -> !Files.exists(e.video()))
                .map(e -> e.video() + " (line " + e.line() + ")").toList();
        ConfigDataset.checkUsable(list, entries.size(), missing, "missing");
        return entries;
    }

    /**
     * Every usable video of {@code entries} through the image encoder, batch by batch as the loader delivers them.
     *
     * @param keepFrames also keep the per-frame features [N,T,E] (else {@code frames} is null)
     */
    static Encoded encode(CommandLine cmd, ClipModel model, List<VideoListEntry> entries, boolean keepFrames)
            throws ParseException {
        int numFrames = ModelOptions.positiveInt(cmd, "num-frames", ModelOptions.DEFAULT_NUM_FRAMES);
        int threads = ModelOptions.positiveInt(cmd, "threads", Runtime.getRuntime().availableProcessors());
        int batchSize = Math.max(1, FeaturesCommand.FRAMES_PER_STEP / numFrames);
        ClipSpec spec = ClipSpec.test(numFrames, model.config().imageResolution());
        List<INDArray> video = new ArrayList<>();
        List<INDArray> frames = new ArrayList<>();
        List<VideoListEntry> kept = new ArrayList<>();
        List<String> skipped;
        try (VideoBatchLoader loader = new VideoBatchLoader(entries,
                VideoBatchLoader.Options.defaults(spec, batchSize).withThreads(threads));
             ProgressBar bar = Progress.bar("videos", entries.size(), "videos")) {
            int next = 0;
            while (loader.hasNext()) {
                VideoBatch batch = loader.next();
                ClipModel.VideoFeatures f = model.encodeVideos(batch.toINDArray());
                video.add(f.video());
                if (keepFrames) {
                    frames.add(f.frames());
                }
                // The loader keeps list order and drops failures: match the batch's files to the list in order.
                for (Path file : batch.videos()) {
                    while (!entries.get(next).video().equals(file)) {
                        next++;
                    }
                    kept.add(entries.get(next++));
                }
                bar.stepTo(next);
            }
            bar.stepTo(entries.size());
            skipped = loader.summary().failures();
        }
        for (String s : skipped) {
            System.err.println("skipped: " + s);
        }
        if (kept.isEmpty()) {
            throw new ParseException("--list " + cmd.getOptionValue("list") + ": none of its " + entries.size()
                    + " videos could be used");
        }
        return new Encoded(Nd4j.concat(0, video.toArray(INDArray[]::new)),
                keepFrames ? Nd4j.concat(0, frames.toArray(INDArray[]::new)) : null, List.copyOf(kept), skipped);
    }

    /** Writes the kept videos as a list file ("path label", row order of the arrays), itself a valid --list. */
    static void writeRows(Path file, List<VideoListEntry> kept) throws IOException {
        List<String> lines = new ArrayList<>();
        for (VideoListEntry e : kept) {
            lines.add(e.video() + " " + e.label());
        }
        Files.write(file, lines);
        System.err.println("wrote " + file + " (" + kept.size() + " rows: the video of each row, in list order)");
    }
}
