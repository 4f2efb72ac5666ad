package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
        // rows' means as matrix-vector products: M2.1's reduce_mean and reduce_sqnorm along rows took
        // 1.1 and 1.5 ms on [1576, 768], a product 0.3 ms
        SDVariable centred = x.sub(sd.mmul(x, averager(sd, width)));
        SDVariable variance = sd.mmul(centred.mul(centred), averager(sd, width));
        SDVariable normed = BackwardGraph.layerNormalised(centred, sd.math.sqrt(variance.add(EPS)));
        return BackwardGraph.rows(normed.mul(weight)).add(bias);
    }

    /**
     * A new constant [width, 1] of 1/width: rows' means as {@code x·averager}. The forward pass takes one per
     * use: a constant read twice would get its (unused) gradient summed by an op of its own, which would keep
     * M2.1's LayerNorm backward chain from being removed ({@link BackwardGraph}).
     */
    static SDVariable averager(SameDiff sd, long width) {
        return sd.constant(Nd4j.valueArrayOf(new long[]{width, 1}, 1.0 / width, DataType.FLOAT));
    }
}
