package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

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

    VisionTransformer(ClipParameters params, ClipConfig config) {
        this.config = config;
        this.conv1 = params.get("visual.conv1.weight");
        this.classEmbedding = params.get("visual.class_embedding");
        this.positionalEmbedding = params.get("visual.positional_embedding");
        this.lnPre = new LayerNorm(params, "visual.ln_pre.");
        this.params = params;
        this.lnPost = new LayerNorm(params, "visual.ln_post.");
        this.proj = params.get("visual.proj");
    }

    /** @param images [N, 3, S, S] → image features [N, embed] (before normalisation) */
    SDVariable forward(SameDiff sd, SDVariable images) {
        Transformer transformer = new Transformer(params, "visual.transformer.", config.visionWidth(),
                config.visionLayers(), config.visionHeads(), SequenceShape.fixedLength(sd, config.visionTokens()), null);
        SDVariable x = transformer.forward(sd, embed(sd, images));
        return pool(sd, sd.reshape(x, -1, config.visionTokens(), config.visionWidth()));
    }

    /** Patches, class token, positional embedding, {@code ln_pre}: [N, 3, S, S] → the stream [N·L, W]. */
    SDVariable embed(SameDiff sd, SDVariable images) {
        SDVariable patches = patchEmbedding(sd, images);                     // [N, g·g, W]
        SDVariable x = sd.concat(1, classToken(sd, patches), patches);        // [N, L, W]
        x = sd.reshape(x.add(positionalEmbedding), -1, config.visionWidth()); // [N·L, W]
        return lnPre.forward(sd, x);
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

    /** The learned class embedding repeated for each image of the batch: [N, 1, W]. */
    private SDVariable classToken(SameDiff sd, SDVariable patches) {
        SDVariable firstPatch = sd.stridedSlice(patches,
                new long[]{0, 0, 0}, new long[]{0, 1, 0}, new long[]{1, 1, 1}, 0b101, 0b101, 0, 0, 0);
        return sd.zerosLike(firstPatch).add(classEmbedding);
    }
}
