package org.vificlip.cli;

import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.Progress;
import org.vificlip.synth.SynthCatalog;
import org.vificlip.synth.SynthOptions;
import org.vificlip.synth.SyntheticDataset;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vificlip synth}: writes a small synthetic video dataset (coloured shapes in motion, H.264 MP4) with
 * ViFi-CLIP's label CSVs, list files (full, base/novel, few-shot) and ready configs, to learn on without
 * downloading anything.
 */
public final class SynthCommand implements Command {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");

    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "write a synthetic video dataset (shapes in motion) with ViFi-CLIP lists, labels and configs";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                .desc("dataset folder to write (DATA.ROOT; required)").build());
        o.addOption(Option.builder().longOpt("classes").hasArg().argName("N")
                .desc("number of classes, the first N of a fixed list of " + SynthCatalog.all().size()
                        + " (default 10)").build());
        o.addOption(Option.builder().longOpt("videos-per-class").hasArg().argName("N")
                .desc("videos per class, 2/3 train and 1/3 val (default 12)").build());
        o.addOption(Option.builder().longOpt("size").hasArg().argName("WxH")
                .desc("frame size, even width and height (default 64x48)").build());
        o.addOption(Option.builder().longOpt("frames").hasArg().argName("N")
                .desc("frames per video, at " + SynthOptions.FPS + " fps (default 16)").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("S")
                .desc("seed of all random variation, also the configs' SEED (default 0)").build());
        o.addOption(Option.builder().longOpt("input-size").hasArg().argName("S")
                .desc("DATA.INPUT_SIZE written into the configs (default 224)").build());
        o.addOption(Option.builder().longOpt("num-frames").hasArg().argName("T")
                .desc("DATA.NUM_FRAMES written into the configs (default 8)").build());
        return o;
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        SynthOptions options = parse(cmd);
        SyntheticDataset.checkOutput(options);  // before the progress bar draws
        long start = System.nanoTime();
        int total = options.classes() * options.videosPerClass();
        SyntheticDataset.Summary summary;
        try (ProgressBar bar = Progress.bar("synth", total, "videos")) {
            summary = SyntheticDataset.write(options, video -> bar.step());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (String warning : summary.warnings()) {
            System.err.println("warning: " + warning);
        }
        System.err.printf("wrote %d videos of %d classes (%d train, %d val) to %s in %.1f s%n", summary.videos(),
                summary.classes(), summary.trainVideos(), summary.valVideos(), summary.root(), seconds);
        System.err.println("config: " + summary.root().resolve("config.yaml"));
        return 0;
    }

    static SynthOptions parse(CommandLine cmd) throws ParseException {
        if (!cmd.hasOption("out")) {
            throw new ParseException("--out is required");
        }
        if (!cmd.getArgList().isEmpty()) {
            throw new ParseException("unexpected argument '" + cmd.getArgList().get(0) + "'");
        }
        SynthOptions d = SynthOptions.defaults(Path.of(cmd.getOptionValue("out")));
        int width = d.width();
        int height = d.height();
        String size = cmd.getOptionValue("size");
        if (size != null) {
            Matcher m = SIZE.matcher(size.strip());
            if (!m.matches()) {
                throw new ParseException("--size must be WIDTHxHEIGHT, e.g. 64x48, got '" + size + "'");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        try {
            return new SynthOptions(d.out(),
                    intNumber(cmd, "classes", d.classes()),
                    intNumber(cmd, "videos-per-class", d.videosPerClass()),
                    width, height,
                    intNumber(cmd, "frames", d.frames()),
                    number(cmd, "seed", d.seed()),
                    intNumber(cmd, "input-size", d.inputSize()),
                    intNumber(cmd, "num-frames", d.numFrames()));
        } catch (IllegalArgumentException e) {
            throw new ParseException(e.getMessage());
        }
    }

    /** An integer option; out-of-range values are left to {@link SynthOptions} to reject, naming the range. */
    private static long number(CommandLine cmd, String option, long fallback) throws ParseException {
        String text = cmd.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new ParseException("--" + option + " must be an integer, got '" + text + "'");
        }
    }

    /** As {@link #number}, saturated to the int range (so 1e12 is reported as too large, not wrapped). */
    private static int intNumber(CommandLine cmd, String option, int fallback) throws ParseException {
        long value = number(cmd, option, fallback);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }
}
