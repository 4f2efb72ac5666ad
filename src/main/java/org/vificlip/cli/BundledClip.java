package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small CLIP that ships with the project (the test fixture {@code clip-tiny-a}: ViT 128 wide, 2 layers,
 * patch 8 at 32 px; text 128 wide, 2 layers; embedding 64; random weights), for the commands that run
 * without a download ({@code demo}, {@code bench}). Found under the project directory.
 */
final class BundledClip {
    static final Path WEIGHTS = Path.of("src", "test", "fixtures", "clip-tiny-a", "tiny-a.pt");

    private BundledClip() {
    }

    static Options addProject(Options options) {
        return options.addOption(Option.builder().longOpt("project").hasArg().argName("DIR")
                .desc("the vificlip project directory, which holds the bundled small CLIP (default: the current directory)")
                .build());
    }

    /** The bundled model's file, or a message saying where it was looked for. */
    static Path locate(CommandLine cmd) throws BadInputException {
        Path file = Path.of(cmd.getOptionValue("project", ".")).resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, "the bundled small CLIP is not there: run from the vificlip project"
                    + " directory, or give it with --project DIR (or give --weights)");
        }
        return file;
    }
}
