package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * PyTorch's {@code nn.LayerNorm} over the last axis of a [rows, width] input, ε = 1e-5.
 * Built from mean and variance because {@code sd.nn.layerNorm} in ND4J 1.0.0-M2.1 takes no epsilon
 * (without it CLIP's text features come out about 1% off).
 */
final class LayerNorm {
    static final double EPS = 1e-5;

    private final SDVariable weight;
    private final SDVariable bias;
    private final long width;

    /** @param prefix key prefix, e.g. {@code visual.ln_pre.}, of {@code weight} and {@code bias} */
    LayerNorm(ClipParameters params, String prefix) {
        this.weight = params.get(prefix + "weight");
        this.bias = params.get(prefix + "bias");
        this.width = weight.getShape()[0];
    }

    /** @param x [rows, width] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        SDVariable centred = x.sub(sd.mean(x, true, 1));
        // squaredNorm's gradient reads centred, which the division's keeps anyway; mean(centred·centred)
        // would also keep the squares until the backward pass
        SDVariable variance = sd.squaredNorm(centred, true, 1).div(width);
        SDVariable normed = BackwardGraph.layerNormalised(centred, sd.math.sqrt(variance.add(EPS)));
        return BackwardGraph.rows(normed.mul(weight)).add(bias);
    }
}
