package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * PyTorch's {@code nn.MultiheadAttention} as CLIP uses it (self-attention, packed {@code in_proj}
 * weight and bias, {@code out_proj}, optional additive mask), with explicit batched matmuls and a
 * softmax: ND4J's {@code multiHeadDotProductAttention} has neither the biases nor an additive mask.
 * <p>
 * The residual stream is [sequences·tokens, width]; heads are 64 wide.
 */
final class MultiHeadSelfAttention {
    private final Linear inProj;
    private final Linear outProj;
    private final int width;
    private final int heads;
    private final SequenceShape sequence;
    private final SDVariable mask;

    /**
     * @param prefix   e.g. {@code transformer.resblocks.0.attn.}
     * @param sequence how the [N·L, W] stream splits into sequences
     * @param mask     additive [L, L] mask, or null
     */
    MultiHeadSelfAttention(ClipParameters params, String prefix, int width, int heads, SequenceShape sequence,
                           SDVariable mask) {
        this.inProj = new Linear(params.get(prefix + "in_proj_weight"), params.get(prefix + "in_proj_bias"));
        this.outProj = new Linear(params, prefix + "out_proj.");
        this.width = width;
        this.heads = heads;
        this.sequence = sequence;
        this.mask = mask;
    }

    /** @param x [N·L, W] → [N·L, W] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        SDVariable packed = inProj.forward(sd, x);                       // [N·L, 3·W]: q | k | v per token
        SDVariable merged = OneDnn.available()
                ? AttentionCore.forward(sd, packed, sequence.batchAndLength(), mask, heads)
                : core(sd, packed);
        return outProj.forward(sd, merged);
    }

    /** {@link AttentionCore}'s computation from M2.1's own ops, where oneDNN is not available. */
    private SDVariable core(SameDiff sd, SDVariable packedRows) {
        int headDim = width / heads;
        // One reshape and one permute for all three (each op copies in M2.1), instead of a split and
        // a reshape + permute per part.
        SDVariable packed = sd.reshape(packedRows, sequence.packedHeads(heads, headDim)); // [N, L, 3, H, D]
        SDVariable[] qkv = sd.unstack(sd.permute(packed, 2, 0, 3, 1, 4), 0, 3);  // 3 × [N, H, L, D]
        SDVariable q = qkv[0].mul(1.0 / Math.sqrt(headDim));
        SDVariable k = qkv[1];
        SDVariable v = qkv[2];
        SDVariable scores = sd.mmul(q, k, false, true, false);          // [N, H, L, L]
        if (mask != null) {
            scores = scores.add(mask);
        }
        SDVariable attention = sd.nn.softmax(scores, 3);
        SDVariable out = sd.mmul(attention, v);                          // [N, H, L, D]
        return sd.reshape(sd.permute(out, 0, 2, 1, 3), -1, width);
    }
}
