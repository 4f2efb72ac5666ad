package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.demo.BridgeAndPrompt;
import org.vificlip.demo.DemoRun;
import org.vificlip.demo.PromptLearningStage;
import org.vificlip.synth.SynthOptions;

import java.nio.file.Path;

/**
 * {@code vificlip demo [--out DIR] [--seed S]}: ViFi-CLIP end to end in a few minutes with nothing to
 * download ({@link DemoRun}): a synthetic dataset, the bundled small CLIP, zero-shot accuracy, fine-tuning on
 * the base classes, base and novel accuracy after, bridge and prompt (prompts learnt on a 4-shot base list over
 * the frozen fine-tuned model), a results table and an HTML report with plots.
 */
public final class DemoCommand implements Command {
    /** Prompt-learning epochs of the bridge-and-prompt stage by default (about 20 s on 2 cores). */
    static final int DEFAULT_PROMPT_EPOCHS = 10;

    /** The bridge-and-prompt stage the demo runs after fine-tuning: prompts learnt on the frozen fine-tuned model. */
    static PromptLearningStage promptStage(int epochs) {
        return new BridgeAndPrompt(epochs);
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "ViFi-CLIP in miniature: synthetic videos, small CLIP, zero-shot, fine-tuning, bridge and prompt, base/novel accuracy, HTML report";
    }

    @Override
    public Options options() {
        Options o = BundledClip.addProject(new Options());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                .desc("folder for the dataset, the run and the report (default vificlip-demo)").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("S")
                .desc("seed of the dataset and the training (default 0); the same seed gives the same numbers").build());
        o.addOption(Option.builder().longOpt("weights").hasArg().argName("W")
                .desc("start from other CLIP weights than the bundled small one (a path or ViT-B/16, ...; slow on a CPU)").build());
        o.addOption(Option.builder().longOpt("classes").hasArg().argName("N")
                .desc("synthetic classes, half base and half novel (default 10)").build());
        o.addOption(Option.builder().longOpt("videos-per-class").hasArg().argName("N")
                .desc("videos per class, 2/3 training (default 9)").build());
        o.addOption(Option.builder().longOpt("epochs").hasArg().argName("N").desc("fine-tuning epochs (default 20)").build());
        o.addOption(Option.builder().longOpt("prompt-epochs").hasArg().argName("N")
                .desc("epochs of prompt learning on the 4-shot base list, bridge and prompt (default "
                        + DEFAULT_PROMPT_EPOCHS + ")").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("video decoding threads (default: the number of cores)").build());
        return o;
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        Path out = Path.of(cmd.getOptionValue("out", "vificlip-demo"));
        long seed;
        try {
            seed = Long.parseLong(cmd.getOptionValue("seed", "0"));
        } catch (NumberFormatException e) {
            throw new ParseException("--seed must be a whole number, got '" + cmd.getOptionValue("seed") + "'");
        }
        if (seed < 0 || seed > SynthOptions.MAX_SEED) {
            throw new ParseException("--seed must be between 0 and " + SynthOptions.MAX_SEED);
        }
        Path weights = cmd.hasOption("weights") ? ModelOptions.weightsPath(cmd.getOptionValue("weights")) : BundledClip.locate(cmd);
        DemoRun.Options options = new DemoRun.Options(out, seed,
                ModelOptions.positiveInt(cmd, "classes", 10),
                ModelOptions.positiveInt(cmd, "videos-per-class", 9),
                ModelOptions.positiveInt(cmd, "epochs", 20),
                weights,
                ModelOptions.positiveInt(cmd, "threads", Runtime.getRuntime().availableProcessors()),
                promptStage(ModelOptions.positiveInt(cmd, "prompt-epochs", DEFAULT_PROMPT_EPOCHS)));
        DemoRun.Outcome outcome;
        try {
            outcome = DemoRun.run(options);
        } catch (IllegalArgumentException e) {
            throw new ParseException(e.getMessage());
        }
        System.out.println();
        System.out.println(outcome.table().markdown());
        System.out.println("report: " + outcome.report() + " (open it in a browser)");
        return 0;
    }
}
