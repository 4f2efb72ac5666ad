package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CLIP's text encoder ({@code encode_text} in OpenAI's {@code model.py}) from the token embeddings on:
 * positional embedding, causal transformer, the features at the end token, {@code ln_final},
 * {@code text_projection}. The token embeddings come in as an input (see {@link TokenEmbedding}).
 */
final class TextTransformer {
    /** Large enough that exp() of it is 0 in float32, finite so no 0·∞ can appear in a gradient. */
    static final float MASKED = -1e9f;

    private final ClipConfig config;
    private final SDVariable positionalEmbedding;
    private final Transformer transformer;
    private final LayerNorm lnFinal;
    private final SDVariable textProjection;

    TextTransformer(SameDiff sd, ClipParameters params, ClipConfig config) {
        this.config = config;
        this.positionalEmbedding = params.get("positional_embedding");
        SDVariable mask = sd.constant("causal_mask", causalMask(config.contextLength()));
        this.transformer = new Transformer(params, "transformer.", config.textWidth(), config.textLayers(),
                config.textHeads(), config.contextLength(), mask);
        this.lnFinal = new LayerNorm(params, "ln_final.");
        this.textProjection = params.get("text_projection");
    }

    /**
     * @param tokenEmbeddings [N, L, W] embeddings of the token ids
     * @param endToken        [N, L] one-hot of each prompt's end-token position (argmax of the ids)
     * @return text features [N, embed] (before normalisation)
     */
    SDVariable forward(SameDiff sd, SDVariable tokenEmbeddings, SDVariable endToken) {
        int width = config.textWidth();
        int tokens = config.contextLength();
        SDVariable x = sd.reshape(tokenEmbeddings.add(positionalEmbedding), -1, width);
        x = sd.reshape(transformer.forward(sd, x), -1, tokens, width);
        // picking by one-hot × features, summed: differentiable, unlike a gather in M2.1
        SDVariable end = x.mul(sd.expandDims(endToken, 2)).sum(1);           // [N, W]
        return sd.mmul(lnFinal.forward(sd, end), textProjection);
    }

    /** The additive mask: 0 on and below the diagonal, {@link #MASKED} above (a token sees only its past). */
    static INDArray causalMask(int length) {
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = MASKED;
            }
        }
        return Nd4j.create(mask, new long[]{length, length}, 'c');
    }
}
