package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** CLIP's pre-LN block: x + attn(ln_1(x)), then x + mlp(ln_2(x)) with c_fc → QuickGELU → c_proj. */
final class ResidualAttentionBlock {
    private final LayerNorm ln1;
    private final MultiHeadSelfAttention attention;
    private final LayerNorm ln2;
    private final Linear fc;
    private final Linear proj;

    /** @param prefix e.g. {@code visual.transformer.resblocks.3.} */
    ResidualAttentionBlock(ClipParameters params, String prefix, int width, int heads, SequenceShape sequence,
                           SDVariable mask) {
        this.ln1 = new LayerNorm(params, prefix + "ln_1.");
        this.attention = new MultiHeadSelfAttention(params, prefix + "attn.", width, heads, sequence, mask);
        this.ln2 = new LayerNorm(params, prefix + "ln_2.");
        this.fc = new Linear(params, prefix + "mlp.c_fc.");
        this.proj = new Linear(params, prefix + "mlp.c_proj.");
    }

    /** @param x [N·L, W] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        x = BackwardGraph.sumOfSameShape(x, attention.forward(sd, ln1.forward(sd, x)));
        return BackwardGraph.sumOfSameShape(x, proj.forward(sd, QuickGelu.forward(sd, fc.forward(sd, ln2.forward(sd, x)))));
    }
}
