package org.vificlip.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.MemoryReclaimer;
import org.vificlip.model.ClipModel;
import org.vificlip.testing.ClipFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training steps on the fixture CLIP as the training loop runs them (gradients, AdamW, the step's arrays
 * closed, {@link MemoryReclaimer}), printing {@code step N rss BYTES} after each: run in its own JVM by
 * {@link TrainingMemoryTest}, so that its heap settings are the ones the README gives for training.
 */
public final class TrainingMemoryProbe {
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        ClipModel model = ClipModel.build(ClipFixtures.baseWeights());
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = ClipFixtures.textTokens();
        int[] labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();
        AdamW optimizer = AdamW.vifiClip(0.001);
        MemoryReclaimer reclaimer = MemoryReclaimer.standard();
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        for (int step = 1; step <= steps; step++) {
            try (ClipModel.Gradients g = model.gradients(video, tokens, labels)) {
                optimizer.step(parameters, g.byParameter(), 1e-5);
            }
            reclaimer.afterStep();
            System.out.println("step " + step + " rss " + residentBytes());
        }
    }

    static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
