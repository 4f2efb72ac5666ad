package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.BadInputException;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ConfigDataset;
import org.vificlip.model.ClipModel;
import org.vificlip.train.TrainingCheckpoint;
import org.vificlip.train.TrainingRun;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code vificlip train --config C.yaml [--weights W] [--checkpoint C] [--output DIR] [--resume FILE|auto] [--opts K V ...]}:
 * ViFi-CLIP fine-tuning as the authors' {@code main.py} runs it, from their config files; with
 * {@code PROMPT_MODEL: True} prompt learning on the frozen model of --weights and --checkpoint.
 */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "fine-tune ViFi-CLIP, or learn its prompts (PROMPT_MODEL), from a ViFi-CLIP config (checkpoints, metrics, plots in OUTPUT)";
    }

    @Override
    public Options options() {
        return ConfigOptions.add(new Options())
                .addOption(Option.builder().longOpt("output").hasArg().argName("DIR")
                        .desc("output directory (default: OUTPUT of the config)").build())
                .addOption(Option.builder().longOpt("resume").hasArg().argName("FILE|auto")
                        .desc("continue a run from one of its checkpoints; auto = the newest .pth in the output directory"
                                + " (as TRAIN.AUTO_RESUME)").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        ViFiClipConfig config = ConfigOptions.load(cmd);
        Path output = Path.of(cmd.getOptionValue("output", config.output()));
        if (output.toString().isBlank()) {
            throw new BadInputException(config.source(), "OUTPUT is empty: give --output DIR");
        }
        Path resume = resumeFile(cmd, config, output);
        ConfigDataset dataset = ConfigDataset.of(config);
        ClipModel model = ConfigOptions.loadModel(cmd, config, true);
        TrainingRun.Outcome outcome = TrainingRun.run(new TrainingRun.Setup(config, model, dataset, output, resume,
                ConfigOptions.threads(cmd)));
        printOutcome(outcome, output);
        return 0;
    }

    /** The run's summary on standard output (also for {@code vificlip spark train}). */
    public static void printOutcome(TrainingRun.Outcome outcome, Path output) {
        System.out.printf("max top-1 %.2f%% after %d epochs; checkpoints, metrics.csv, log.txt and plots in %s%n",
                outcome.maxAccuracy(), outcome.epochs(), output);
        if (outcome.lastEvaluation() != null) {
            System.out.println("last evaluation: " + outcome.lastEvaluation().summary());
        }
        if (outcome.multiView() != null) {
            System.out.println("multi-view: " + outcome.multiView().summary());
        }
    }

    /** --resume FILE, --resume auto or TRAIN.AUTO_RESUME (the newest checkpoint, if any), MODEL.RESUME. */
    public static Path resumeFile(CommandLine cmd, ViFiClipConfig config, Path output) throws Exception {
        String resume = cmd.getOptionValue("resume");
        if (resume == null && config.train().autoResume()) {
            resume = "auto";
        }
        if (resume == null && config.model().resume() != null && !config.model().resume().isBlank()) {
            resume = config.model().resume();
        }
        if (resume == null) {
            return null;
        }
        if (resume.equals("auto")) {
            Path newest = TrainingCheckpoint.newest(output).orElse(null);
            System.err.println(newest == null ? "no checkpoint in " + output + ": starting from the beginning"
                    : "resuming from the newest checkpoint, " + newest);
            return newest;
        }
        Path file = Path.of(resume);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, "no such checkpoint to resume from");
        }
        return file;
    }
}
