package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.HashMap;
import java.util.Map;

/**
 * CLIP's image encoder ({@code VisionTransformer} in OpenAI's {@code model.py}): patch embedding,
 * class token, positional embedding, {@code ln_pre}, transformer, {@code ln_post} on the class token,
 * {@code proj}.
 */
final class VisionTransformer {
    private final ClipConfig config;
    private final SDVariable conv1;
    private final SDVariable classEmbedding;
    private final SDVariable positionalEmbedding;
    private final LayerNorm lnPre;
    private final ClipParameters params;
    private final LayerNorm lnPost;
    private final SDVariable proj;
    private final SDVariable visionPrompt;

    /** ViFi-CLIP's vision prompts, or null. */
    private final PromptConfig prompts;
    /** Tokens per image in the transformer: class token, patches, and the prompt tokens if any. */
    private final int tokens;

    VisionTransformer(ClipParameters params, ClipConfig config) {
        this(params, config, null);
    }

    VisionTransformer(ClipParameters params, ClipConfig config, PromptConfig prompts) {
        this.config = config;
        this.params = params;
        this.prompts = prompts != null && prompts.hasVision() ? prompts : null;
        this.tokens = config.visionTokens() + (this.prompts == null ? 0 : this.prompts.nCtxVision());
        this.conv1 = params.get("visual.conv1.weight");
        this.classEmbedding = params.get("visual.class_embedding");
        this.positionalEmbedding = params.get("visual.positional_embedding");
        this.lnPre = new LayerNorm(params, "visual.ln_pre.");
        this.visionPrompt = this.prompts == null ? null : params.get(PromptConfig.VISION_CONTEXT);
        this.lnPost = new LayerNorm(params, "visual.ln_post.");
        this.proj = params.get("visual.proj");
    }

    /**
     * The residual blocks, with the deep vision prompts if any. Made only by {@link #forward}: the
     * per-block graphs of {@link BlockwiseBackward} use the embedding and the pooling alone, and must not
     * declare every block's weights.
     */
    private Transformer transformer(SameDiff sd) {
        Transformer transformer = new Transformer(params, "visual.transformer.", config.visionWidth(),
                config.visionLayers(), config.visionHeads(), SequenceShape.fixedLength(sd, tokens), null);
        if (prompts != null) {
            Map<Integer, SDVariable> deep = new HashMap<>();
            for (int i = 1; i < Math.min(prompts.depthVision(), config.visionLayers()); i++) {
                deep.put(i, params.get(PromptConfig.deepVisionKey(i)));
            }
            transformer.withPrompts(new DeepPrompts(PromptSlots.last(sd, tokens, prompts.nCtxVision()),
                    SequenceShape.fixedLength(sd, tokens), config.visionWidth(), deep));
        }
        return transformer;
    }

    /** Tokens per image in the residual stream: class token, patches, and the prompt tokens if any. */
    int tokens() {
        return tokens;
    }

    /** @param images [N, 3, S, S] → image features [N, embed] (before normalisation) */
    SDVariable forward(SameDiff sd, SDVariable images) {
        SDVariable x = transformer(sd).forward(sd, embed(sd, images));
        return pool(sd, sd.reshape(x, -1, tokens, config.visionWidth()));
    }

    /**
     * Patches, class token, positional embedding, the prompt tokens if any, {@code ln_pre}:
     * [N, 3, S, S] → the stream [N·L, W].
     */
    SDVariable embed(SameDiff sd, SDVariable images) {
        SDVariable patches = patchEmbedding(sd, images);                     // [N, g·g, W]
        SDVariable x = sd.concat(1, classToken(sd, patches), patches);        // [N, L, W]
        x = x.add(positionalEmbedding);
        if (visionPrompt != null) {
            // ViFi-CLIP's VisionTransformer: prompt tokens after the positional embedding, before ln_pre
            x = sd.concat(1, x, repeatPerImage(sd, patches, visionPrompt)); // [N, L+n, W]
        }
        return lnPre.forward(sd, sd.reshape(x, -1, config.visionWidth()));   // [N·L, W]
    }

    /** {@code ln_post} and {@code proj} of the class token: the stream as [N, L, W] → features [N, embed]. */
    SDVariable pool(SameDiff sd, SDVariable sequences) {
        SDVariable cls = sd.stridedSlice(sequences,                          // [N, W]: token 0 of each
                new long[]{0, 0, 0}, new long[]{0, 1, 0}, new long[]{1, 1, 1}, 0b101, 0b101, 0, 0, 0b010);
        return sd.mmul(lnPost.forward(sd, cls), proj);
    }

    /**
     * The stride-p convolution without bias, as a matmul: each image is cut into its p×p patches
     * (channel-major, as the [W, 3, p, p] kernel is laid out) and multiplied by the flattened kernel.
     * Equivalent to conv2d and avoids M2.1's conv2d backward failure with the OIYX weight layout.
     */
    private SDVariable patchEmbedding(SameDiff sd, SDVariable images) {
        int p = config.visionPatchSize();
        int g = config.gridSize();
        int width = config.visionWidth();
        SDVariable cut = sd.reshape(images, -1, 3, g, p, g, p);              // [N, 3, gy, py, gx, px]
        SDVariable rows = sd.reshape(sd.permute(cut, 0, 2, 4, 1, 3, 5), -1, 3L * p * p); // [N·g·g, 3·p·p]
        SDVariable kernel = sd.reshape(conv1, width, 3L * p * p);
        return sd.reshape(sd.mmul(rows, kernel, false, true, false), -1, (long) g * g, width);
    }

    /** Tokens [n, W] repeated for each image of the batch: [N, n, W]. */
    private static SDVariable repeatPerImage(SameDiff sd, SDVariable patches, SDVariable tokens) {
        SDVariable firstPatch = sd.stridedSlice(patches,
                new long[]{0, 0, 0}, new long[]{0, 1, 0}, new long[]{1, 1, 1}, 0b101, 0b101, 0, 0, 0);
        return sd.zerosLike(firstPatch).add(sd.expandDims(tokens, 0));     // [N,1,W] + [1,n,W]
    }

    /** The learned class embedding repeated for each image of the batch: [N, 1, W]. */
    private SDVariable classToken(SameDiff sd, SDVariable patches) {
        SDVariable firstPatch = sd.stridedSlice(patches,
                new long[]{0, 0, 0}, new long[]{0, 1, 0}, new long[]{1, 1, 1}, 0b101, 0b101, 0, 0, 0);
        return sd.zerosLike(firstPatch).add(classEmbedding);
    }
}
