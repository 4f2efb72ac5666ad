package org.vificlip.demo;

import org.vificlip.model.ClipModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * HOOK for the demo's bridge-and-prompt stage (ViFi-CLIP's "bridge and prompt": the fine-tuned model frozen,
 * vision and language prompts learnt on a few-shot split). The demo calls {@link #run} after fine-tuning and
 * puts the row it returns into the results table; {@link #NOT_AVAILABLE} (a build without prompt learning)
 * returns nothing and the table says so. The demo runs {@link BridgeAndPrompt}; another stage
 * implements this interface and is passed to {@link DemoRun.Options#promptStage()} in {@code DemoCommand}.
 */
public interface PromptLearningStage {
    /**
     * What the stage gets.
     *
     * @param fineTuned      the model as fine-tuning left it (ViFi-CLIP's weights: to be frozen)
     * @param baseWeights    the CLIP file the demo started from
     * @param fineTunedCheckpoint the fine-tuning run's last checkpoint ({@code --checkpoint} over {@code baseWeights})
     * @param dataRoot       the synth dataset: {@code base_train_K_shot.txt} (K = 2, 4), {@code base_val.txt},
     *                       {@code novel_val.txt}, {@code base_labels.csv}, {@code novel_labels.csv}, configs
     * @param outputDir      a folder of its own for its files (metrics, plots)
     * @param seed           the demo's seed (same seed, same numbers)
     * @param threads        video decoding threads
     */
    record Context(ClipModel fineTuned, Path baseWeights, Path fineTunedCheckpoint, Path dataRoot, Path outputDir,
                   long seed, int threads) {
    }

    /** Its row of the results table: top-1 % on the base and novel validation videos (null if not measured). */
    record Result(String method, Double baseTop1, Double novelTop1) {
    }

    /** Runs the stage; empty when this build has none. */
    Optional<Result> run(Context context) throws IOException;

    /** Human-readable reason shown in the table when {@link #run} gives nothing. */
    default String unavailableNote() {
        return "bridge-and-prompt stage not wired into this build yet";
    }

    /** The placeholder: no prompt learning in this build. */
    PromptLearningStage NOT_AVAILABLE = context -> Optional.empty();
}
