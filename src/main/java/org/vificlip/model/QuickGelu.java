package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * CLIP's activation: x·sigmoid(1.702·x) (OpenAI trained with it, so the exact GELU would be wrong).
 * ND4J's {@code gelu} is exactly this sigmoid form (its tanh/erf GELU is {@code precise_gelu}), and as one
 * op it is faster than mul-sigmoid-mul and keeps fewer arrays for the backward pass; the gradient
 * parity test checks it against PyTorch. Its gradient op is NaN above x = 26 in M2.1; {@link BackwardGraph}
 * clamps its input.
 */
final class QuickGelu {
    /** From here on the derivative is 1 in float32 (see {@link BackwardGraph}). */
    static final double DERIVATIVE_IS_ONE_FROM = 20;

    private QuickGelu() {
    }

    static SDVariable forward(SameDiff sd, SDVariable x) {
        return sd.nn.gelu(x);
    }
}
