package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * CLIP's activation, as PyTorch's {@code QuickGELU} computes it: x·sigmoid(1.702·x) (OpenAI trained with it,
 * so the exact GELU would be wrong). Three ops, where ND4J's {@code gelu} is the same function in one: its
 * gradient op took twice as long as the forward op and was NaN above x = 26 in M2.1, while from the sigmoid
 * {@link BackwardGraph} computes the gradient in a few cheap passes ({@code QuickGeluGradientTest}).
 */
final class QuickGelu {
    /** The 1.702 of PyTorch's x·sigmoid(1.702x). */
    static final double SIGMOID_SCALE = 1.702;

    private QuickGelu() {
    }

    static SDVariable forward(SameDiff sd, SDVariable x) {
        return BackwardGraph.quickGelu(x, sd.nn.sigmoid(x.mul(SIGMOID_SCALE)));
    }
}
