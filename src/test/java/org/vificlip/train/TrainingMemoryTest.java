package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.model.ClipModel;
import org.vificlip.testing.ClipFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resident memory stays flat (within 10%) over 300 training steps once warm (gradients + AdamW on the
 * fixture CLIP, as the training loop runs them: each step's arrays closed, {@link MemoryReclaimer} after
 * each step). Warm-up is the first 100 steps, while the JIT compiles SameDiff's executor and the heap
 * settles; the tests run with MALLOC_ARENA_MAX=2 as the README says to run training.
 */
class TrainingMemoryTest {
    static final int WARM_UP = 100;
    static final int MEASURED = 300;

    @Test
    void residentMemoryIsFlatOver300StepsOnceWarm() throws Exception {
        ClipModel model = ClipModel.build(ClipFixtures.baseWeights());
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = ClipFixtures.textTokens();
        int[] labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();
        AdamW optimizer = AdamW.vifiClip(0.001);
        MemoryReclaimer reclaimer = MemoryReclaimer.everySecond();
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        long warm = 0;
        long highest = 0;
        for (int step = 1; step <= WARM_UP + MEASURED; step++) {
            try (ClipModel.Gradients g = model.gradients(video, tokens, labels)) {
                optimizer.step(parameters, g.byParameter(), 1e-5);
            }
            reclaimer.afterStep();
            long rss = residentBytes();
            if (step % 50 == 0) {
                System.out.printf("step %d: resident %.1f MB, Java heap committed %.1f MB%n", step, rss / 1e6,
                        Runtime.getRuntime().totalMemory() / 1e6);
            }
            if (step == WARM_UP) {
                warm = rss;
            }
            if (step >= WARM_UP) {
                highest = Math.max(highest, rss);
            }
        }
        System.out.printf("resident memory: step %d %.1f MB, highest over the next %d steps %.1f MB (%+.1f%%)%n",
                WARM_UP, warm / 1e6, MEASURED, highest / 1e6, 100.0 * (highest - warm) / warm);
        assertTrue(highest <= warm * 1.10, "resident memory grew more than 10% after warm-up: "
                + warm / 1e6 + " MB -> " + highest / 1e6 + " MB");
    }

    /** VmRSS of this process, from /proc/self/status. */
    static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
