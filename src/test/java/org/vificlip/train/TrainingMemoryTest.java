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
 * Resident memory stays flat over 300 training steps once warm (gradients + AdamW on the fixture CLIP):
 * each step's arrays must be given back, not left for a garbage collector that may not run.
 */
class TrainingMemoryTest {
    @Test
    void residentMemoryIsFlatOver300Steps() throws Exception {
        ClipModel model = ClipModel.build(ClipFixtures.baseWeights());
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = ClipFixtures.textTokens();
        int[] labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();
        AdamW optimizer = AdamW.vifiClip(0.001);
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        long warm = 0;
        long highest = 0;
        for (int step = 1; step <= 300; step++) {
            ClipModel.Gradients g = model.gradients(video, tokens, labels);
            optimizer.step(parameters, g.byParameter(), 1e-5);
            long rss = residentBytes();
            if (step == 50) {
                warm = rss;
            }
            if (step >= 50) {
                highest = Math.max(highest, rss);
            }
        }
        System.out.printf("resident memory: step 50 %.1f MB, highest over steps 50-300 %.1f MB (%+.1f%%)%n",
                warm / 1e6, highest / 1e6, 100.0 * (highest - warm) / warm);
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
