package org.vificlip.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.checkpoint.StateDict;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state dict with every key of {@link ClipConfig#expectedShapes()} at a sane scale, for timing
 * full-size models without downloading weights: N(0, 0.02) everywhere, LayerNorm gains 1,
 * {@code logit_scale} = log(1/0.07) as CLIP initialises it. Values do not change the work done.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static StateDict of(ClipConfig config, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        config.expectedShapes().forEach((key, shape) -> {
            INDArray w;
            if (key.contains("ln_") && key.endsWith(".weight")) {
                w = Nd4j.ones(DataType.FLOAT, shape);
            } else if (key.equals("logit_scale")) {
                w = Nd4j.scalar(DataType.FLOAT, (float) Math.log(1 / 0.07));
            } else {
                w = Nd4j.randn(DataType.FLOAT, shape).muli(0.02);
            }
            tensors.put(key, w);
        });
        return new StateDict(Path.of("random-weights-" + config.visionPatchSize()), tensors);
    }
}
