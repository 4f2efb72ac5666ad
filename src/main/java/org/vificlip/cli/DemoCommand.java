package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vificlip demo}: the main job on a built-in default, so a fresh clone shows the whole path
 * (checkpoint import, video decoding, sampling, preprocessing, both encoders, ViFi-CLIP logits) with
 * one command. It classifies the project's test videos (H.264 MP4 and Xvid AVI) with the small CLIP
 * of the test fixtures. That model has random weights, so its rankings mean nothing: give real
 * weights to {@code classify} for real answers.
 */
public final class DemoCommand implements Command {
    private static final Path FIXTURES = Path.of("src", "test", "fixtures");
    private static final Path WEIGHTS = FIXTURES.resolve("clip-tiny-a/tiny-a.pt");
    private static final Path CHECKPOINT = FIXTURES.resolve("clip-tiny-a/tiny-a.vificlip.pth");
    private static final Path LABELS = FIXTURES.resolve("clip-tiny-a/classes.txt");
    private static final List<String> VIDEOS = List.of("h264_high.mp4", "h264_main_bframes.mp4", "xvid_asp_bframes.avi");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "classify the project's test videos with its small test CLIP (run from the project directory)";
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("project").hasArg().argName("DIR")
                .desc("the vificlip project directory holding src/test/fixtures (default: the current directory)")
                .build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        Path project = Path.of(cmd.getOptionValue("project", "."));
        List<String> args = new ArrayList<>(List.of("classify",
                "--weights", existing(project, WEIGHTS),
                "--checkpoint", existing(project, CHECKPOINT),
                "--labels", existing(project, LABELS),
                "--top", "3", "--video"));
        for (String video : VIDEOS) {
            args.add(existing(project, FIXTURES.resolve("videos").resolve(video)));
        }
        System.out.println("demo: vificlip " + String.join(" ", args));
        System.out.println("(the test CLIP has random weights: the pipeline is real, the rankings are not)");
        return Main.run(args.toArray(String[]::new));
    }

    private static String existing(Path project, Path relative) throws BadInputException {
        Path file = project.resolve(relative);
        if (!Files.exists(file)) {
            throw new BadInputException(file, "not found: run the demo from the vificlip project directory"
                    + " or give it with --project DIR");
        }
        return file.toString();
    }
}
