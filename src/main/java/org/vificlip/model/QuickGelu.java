package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** CLIP's activation: x·sigmoid(1.702·x) (OpenAI trained with it, so the exact GELU would be wrong). */
final class QuickGelu {
    private QuickGelu() {
    }

    static SDVariable forward(SameDiff sd, SDVariable x) {
        return x.mul(sd.nn.sigmoid(x.mul(1.702)));
    }
}
