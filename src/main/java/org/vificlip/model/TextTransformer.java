package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * CLIP's text encoder ({@code encode_text} in OpenAI's {@code model.py}) from the token embeddings on:
 * positional embedding, causal transformer, the features at the end token, {@code ln_final},
 * {@code text_projection}.
 * <p>
 * Inputs are prepared outside the graph by {@link TextInputs}. The sequences may be shorter than the
 * context length: with a causal mask no position sees a later one, so cutting every prompt after the
 * longest one's end token changes no feature and no gradient (those positions get zero gradient in
 * the reference too), and it saves most of the work for short class prompts.
 */
final class TextTransformer {
    /** Large enough that exp() of it is 0 in float32, finite so no 0·∞ can appear in a gradient. */
    static final float MASKED = -1e9f;

    private final ClipConfig config;
    private final SDVariable positionalEmbedding;
    private final ClipParameters params;
    private final LayerNorm lnFinal;
    private final SDVariable textProjection;

    /** ViFi-CLIP's text prompts, or null. */
    private final PromptConfig prompts;

    TextTransformer(ClipParameters params, ClipConfig config) {
        this(params, config, null);
    }

    TextTransformer(ClipParameters params, ClipConfig config, PromptConfig prompts) {
        this.config = config;
        this.prompts = prompts;
        this.params = params;
        this.positionalEmbedding = params.get("positional_embedding");
        this.lnFinal = new LayerNorm(params, "ln_final.");
        this.textProjection = params.get("text_projection");
    }

    /**
     * @param tokenEmbeddings [N, L, W] embeddings of the token ids (L ≤ context length)
     * @param endToken        [N, L] one-hot of each prompt's end-token position (argmax of the ids)
     * @param causalMask      [L, L] additive mask, {@link #causalMask}
     * @param positions       [L, context] one-hot rows selecting positions 0..L−1 (a matmul, so the
     *                        positional embedding's gradient flows; M2.1 cannot differentiate a gather)
     * @return text features [N, embed] (before normalisation)
     */
    SDVariable forward(SameDiff sd, SDVariable tokenEmbeddings, SDVariable endToken, SDVariable causalMask,
                       SDVariable positions) {
        int width = config.textWidth();
        SequenceShape sequence = SequenceShape.of(sd, tokenEmbeddings);
        Transformer transformer = transformer(sequence, causalMask);
        if (prompts != null) {
            PromptSlots slots = contextSlots(sd, positions);
            Map<Integer, SDVariable> deep = new HashMap<>();
            for (int i = 1; i < Math.min(prompts.depthText(), config.textLayers()); i++) {
                deep.put(i, params.get(PromptConfig.deepTextKey(i)));
            }
            transformer.withPrompts(new DeepPrompts(slots, sequence, width, deep));
        }
        SDVariable x = transformer.forward(sd, sd.reshape(embed(sd, tokenEmbeddings, positions), -1, width));
        return pool(sd, sd.reshape(x, sequence.sequences(width)), endToken);
    }

    /**
     * Token embeddings, with the context vectors in their places if the model learns prompts, plus the
     * positional embedding: [N, L, W].
     */
    SDVariable embed(SameDiff sd, SDVariable tokenEmbeddings, SDVariable positions) {
        SDVariable x = tokenEmbeddings;
        if (prompts != null) {
            // VLPromptLearner: start token, the context vectors, then the rest of "X X .. X {class}."
            x = contextSlots(sd, positions).overwrite(sd, x, params.get(PromptConfig.TEXT_CONTEXT));
        }
        return x.add(sd.mmul(positions, positionalEmbedding));
    }

    /** Where the context vectors sit: positions 1..N_CTX_TEXT of sequences selected by {@code positions}. */
    PromptSlots contextSlots(SameDiff sd, SDVariable positions) {
        return PromptSlots.afterStartToken(sd, positions, config.contextLength(), prompts.nCtxText());
    }

    /** The causal residual blocks for sequences of this shape. */
    Transformer transformer(SequenceShape sequence, SDVariable causalMask) {
        return new Transformer(params, "transformer.", config.textWidth(), config.textLayers(),
                config.textHeads(), sequence, causalMask);
    }

    /**
     * The features at each prompt's end token, {@code ln_final}, {@code text_projection}:
     * the stream as [N, L, W] → [N, embed].
     */
    SDVariable pool(SameDiff sd, SDVariable sequences, SDVariable endToken) {
        // picking by one-hot × features, summed: differentiable, unlike a gather in M2.1;
        // ln_final is per token, so applying it after the pick is the same as before
        SDVariable end = sequences.mul(sd.expandDims(endToken, 2)).sum(1);  // [N, W]
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

    /** [length, context] with a 1 at (i, i): selects the first {@code length} positional embeddings. */
    static INDArray positionSelector(int length, int contextLength) {
        INDArray select = Nd4j.zeros(DataType.FLOAT, length, contextLength);
        for (int i = 0; i < length; i++) {
            select.putScalar(i, i, 1.0f);
        }
        return select;
    }
}
