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
    private final int tokens;
    private final SDVariable mask;

    /**
     * @param prefix e.g. {@code transformer.resblocks.0.attn.}
     * @param tokens sequence length (fixed per tower: patches + class token, or the context length)
     * @param mask   additive [tokens, tokens] mask, or null
     */
    MultiHeadSelfAttention(ClipParameters params, String prefix, int width, int heads, int tokens, SDVariable mask) {
        this.inProj = new Linear(params.get(prefix + "in_proj_weight"), params.get(prefix + "in_proj_bias"));
        this.outProj = new Linear(params, prefix + "out_proj.");
        this.width = width;
        this.heads = heads;
        this.tokens = tokens;
        this.mask = mask;
    }

    /** @param x [N·L, W] → [N·L, W] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        int headDim = width / heads;
        SDVariable[] qkv = sd.split(inProj.forward(sd, x), 3, 1);
        SDVariable q = splitHeads(sd, qkv[0].mul(1.0 / Math.sqrt(headDim)), headDim);
        SDVariable k = splitHeads(sd, qkv[1], headDim);
        SDVariable v = splitHeads(sd, qkv[2], headDim);
        SDVariable scores = sd.mmul(q, k, false, true, false);          // [N, H, L, L]
        if (mask != null) {
            scores = scores.add(mask);
        }
        SDVariable attention = sd.nn.softmax(scores, 3);
        SDVariable out = sd.mmul(attention, v);                          // [N, H, L, D]
        SDVariable merged = sd.reshape(sd.permute(out, 0, 2, 1, 3), -1, width);
        return outProj.forward(sd, merged);
    }

    /** [N·L, W] → [N, H, L, D] */
    private SDVariable splitHeads(SameDiff sd, SDVariable x, int headDim) {
        return sd.permute(sd.reshape(x, -1, tokens, heads, headDim), 0, 2, 1, 3);
    }
}
