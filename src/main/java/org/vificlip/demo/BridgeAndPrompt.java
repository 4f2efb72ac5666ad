package org.vificlip.demo;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ConfigDataset;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.PromptConfig;
import org.vificlip.train.ClassPrompts;
import org.vificlip.train.PromptParameters;
import org.vificlip.train.TrainingRun;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's bridge-and-prompt stage, as {@code vificlip train} runs it with a PROMPT_MODEL config: the
 * fine-tuned checkpoint (the bridge) laid over the base CLIP and frozen; vision and language prompts (4 tokens a
 * side from "a photo of a", deep to layer 2, as the prompt-learning test's design) learnt on the first 4 training
 * videos of each base class; then top-1 on the base and the novel validation videos with the learnt prompts.
 * Deterministic per seed: the prompts' initialisation and every training draw come from the config's SEED.
 */
public final class BridgeAndPrompt implements PromptLearningStage {
    /** The few-shot list the prompts learn from (the synth dataset writes K = 2 and 4). */
    static final int SHOTS = 4;
    static final String METHOD = "ViFi-CLIP bridge + prompts (" + SHOTS + "-shot)";
    /** The prompt design: PROMPT_MODEL with N_CTX 4 a side, depth 2 (the depth of the bundled 2-layer CLIP). */
    static final List<String> PROMPTS = List.of("TRAINER.ViFi_CLIP.PROMPT_MODEL", "True",
            "TRAINER.ViFi_CLIP.N_CTX_TEXT", "4", "TRAINER.ViFi_CLIP.N_CTX_VISION", "4",
            "TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", "2", "TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", "2");

    private final int epochs;

    /** @param epochs prompt-learning epochs (each is {@value #SHOTS} videos per base class) */
    public BridgeAndPrompt(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("prompt-learning epochs must be at least 1, got " + epochs);
        }
        this.epochs = epochs;
    }

    @Override
    public Optional<Result> run(Context c) throws IOException {
        Path data = c.dataRoot();
        ViFiClipConfig baseConfig = ViFiClipConfig.load(data.resolve("config_base2novel.yaml"), trainingOpts(data, c.seed()));
        ViFiClipConfig novelConfig = ViFiClipConfig.load(data.resolve("config_novel_eval.yaml"), PROMPTS);
        ConfigDataset baseSet = ConfigDataset.of(baseConfig);
        ConfigDataset novelSet = ConfigDataset.of(novelConfig);

        // The bridge: the fine-tuning run's checkpoint over the CLIP it started from, then fresh prompts on top
        // (the model is frozen by PROMPT_MODEL: only the prompts are trainable).
        StateDict weights = Checkpoints.loadFineTuned(c.baseWeights(), c.fineTunedCheckpoint());
        ClipConfig architecture = ClipConfig.infer(weights.shapes(), weights.source());
        PromptConfig design = PromptParameters.design(baseConfig);
        weights = PromptParameters.forTraining(weights, architecture, design, baseConfig.seed());
        ClipModel model = ClipModel.build(architecture, weights, design);

        TrainingRun.Outcome outcome = TrainingRun.run(new TrainingRun.Setup(baseConfig, model, baseSet, c.outputDir(),
                null, c.threads()));
        EvalResult base = outcome.lastEvaluation();
        EvalResult novel = evaluate(model, novelConfig, novelSet, c.threads());
        System.err.printf("bridge + prompts: base %s; novel %s%n", base.summary(), novel.summary());
        return Optional.of(new Result(METHOD, base.top1(), novel.top1()));
    }

    /**
     * The base-to-novel config on the 4-shot base list, with the prompt design and the prompt-learning settings
     * of the prompt-learning test (a 10× higher LR than fine-tuning: few parameters; no label smoothing).
     * SAVE_FREQ = epochs: evaluated (and saved) after the first and the last epoch only.
     */
    List<String> trainingOpts(Path data, long seed) {
        List<String> opts = new ArrayList<>(List.of("DATA.TRAIN_FILE", data.resolve("base_train_" + SHOTS + "_shot.txt").toString(),
                "TRAIN.LR", "3.e-03", "TRAIN.BATCH_SIZE", "2", "TRAIN.EPOCHS", Integer.toString(epochs),
                "TRAIN.WARMUP_EPOCHS", "1", "AUG.LABEL_SMOOTH", "0.0", "SAVE_FREQ", Integer.toString(epochs),
                "PRINT_FREQ", "1000", "SEED", Long.toString(seed)));
        opts.addAll(PROMPTS);
        return opts;
    }

    private static EvalResult evaluate(ClipModel model, ViFiClipConfig config, ConfigDataset set, int threads) throws IOException {
        INDArray text = model.encodeText(ClassPrompts.tokens(config, set.classNames(), model.config()));
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(), 1, 1, 4, threads);
        return Evaluator.evaluate(model, text, set.classNames(), set.valVideos(), set.valList(), options);
    }
}
