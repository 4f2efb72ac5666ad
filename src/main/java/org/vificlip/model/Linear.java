package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * PyTorch's {@code nn.Linear}: y = x·Wᵀ + b with W stored [out, in] as in the checkpoint,
 * so the weight is used in place (transposed inside the matmul, never copied).
 */
final class Linear {
    private final SDVariable weight;
    private final SDVariable bias;

    Linear(SDVariable weight, SDVariable bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** @param prefix key prefix of {@code weight} and {@code bias}, e.g. {@code ...mlp.c_fc.} */
    Linear(ClipParameters params, String prefix) {
        this(params.get(prefix + "weight"), params.get(prefix + "bias"));
    }

    /** @param x [rows, in] → [rows, out] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        return BackwardGraph.rows(sd.mmul(x, weight, false, true, false)).add(bias);
    }
}
