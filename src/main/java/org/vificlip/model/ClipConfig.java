package org.vificlip.model;

import org.vificlip.BadInputException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIP's architecture (ViT image tower + causal text transformer), read off the weights exactly as
 * OpenAI's {@code build_model} does, so any checkpoint of the family loads without a config file.
 */
public record ClipConfig(int embedDim,
                         int imageResolution, int visionLayers, int visionWidth, int visionPatchSize,
                         int contextLength, int vocabSize, int textWidth, int textLayers) {

    /** OpenAI's CLIP uses 64-dimensional attention heads throughout. */
    public static final int HEAD_DIM = 64;

    public int visionHeads() {
        return Math.max(1, visionWidth / HEAD_DIM);
    }

    public int textHeads() {
        return Math.max(1, textWidth / HEAD_DIM);
    }

    public int gridSize() {
        return imageResolution / visionPatchSize;
    }

    /** Patches plus the class token. */
    public int visionTokens() {
        return gridSize() * gridSize() + 1;
    }

    /**
     * Infers the architecture from the shapes of a state dict in OpenAI's key names.
     *
     * @param shapes key to shape, as loaded from {@code source}
     * @throws BadInputException naming {@code source} if a key the inference needs is missing or
     *                           it is not a ViT CLIP (ResNet towers are not supported)
     */
    public static ClipConfig infer(Map<String, long[]> shapes, Path source) throws BadInputException {
        if (!shapes.containsKey("visual.proj")) {
            if (shapes.containsKey("visual.layer1.0.conv1.weight")) {
                throw new BadInputException(source, "a ResNet CLIP (visual.layer1...): only ViT CLIP models are supported");
            }
            throw new BadInputException(source, "missing key 'visual.proj': not a ViT CLIP state dict");
        }
        long[] conv1 = require(shapes, "visual.conv1.weight", 4, source);
        int visionWidth = (int) conv1[0];
        int patch = (int) conv1[3];
        int visionLayers = countLayers(shapes, "visual.transformer.resblocks.");
        long[] visualPos = require(shapes, "visual.positional_embedding", 2, source);
        int grid = (int) Math.round(Math.sqrt(visualPos[0] - 1));
        int embedDim = (int) require(shapes, "text_projection", 2, source)[1];
        int contextLength = (int) require(shapes, "positional_embedding", 2, source)[0];
        int vocab = (int) require(shapes, "token_embedding.weight", 2, source)[0];
        int textWidth = (int) require(shapes, "ln_final.weight", 1, source)[0];
        int textLayers = countLayers(shapes, "transformer.resblocks.");
        if (visionLayers == 0 || textLayers == 0) {
            throw new BadInputException(source, "no transformer blocks found (visual.transformer.resblocks.* / transformer.resblocks.*)");
        }
        return new ClipConfig(embedDim, patch * grid, visionLayers, visionWidth, patch,
                contextLength, vocab, textWidth, textLayers);
    }

    /** Every parameter of the model with its shape, in OpenAI's key names (the checkpoint contract). */
    public Map<String, long[]> expectedShapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        int vw = visionWidth;
        s.put("visual.class_embedding", new long[]{vw});
        s.put("visual.positional_embedding", new long[]{visionTokens(), vw});
        s.put("visual.proj", new long[]{vw, embedDim});
        s.put("visual.conv1.weight", new long[]{vw, 3, visionPatchSize, visionPatchSize});
        s.put("visual.ln_pre.weight", new long[]{vw});
        s.put("visual.ln_pre.bias", new long[]{vw});
        putBlocks(s, "visual.transformer.resblocks.", visionLayers, vw);
        s.put("visual.ln_post.weight", new long[]{vw});
        s.put("visual.ln_post.bias", new long[]{vw});
        int tw = textWidth;
        s.put("positional_embedding", new long[]{contextLength, tw});
        s.put("text_projection", new long[]{tw, embedDim});
        s.put("logit_scale", new long[]{});
        s.put("token_embedding.weight", new long[]{vocabSize, tw});
        putBlocks(s, "transformer.resblocks.", textLayers, tw);
        s.put("ln_final.weight", new long[]{tw});
        s.put("ln_final.bias", new long[]{tw});
        return s;
    }

    private static void putBlocks(Map<String, long[]> s, String prefix, int layers, int w) {
        for (int i = 0; i < layers; i++) {
            String p = prefix + i + ".";
            s.put(p + "attn.in_proj_weight", new long[]{3L * w, w});
            s.put(p + "attn.in_proj_bias", new long[]{3L * w});
            s.put(p + "attn.out_proj.weight", new long[]{w, w});
            s.put(p + "attn.out_proj.bias", new long[]{w});
            s.put(p + "ln_1.weight", new long[]{w});
            s.put(p + "ln_1.bias", new long[]{w});
            s.put(p + "mlp.c_fc.weight", new long[]{4L * w, w});
            s.put(p + "mlp.c_fc.bias", new long[]{4L * w});
            s.put(p + "mlp.c_proj.weight", new long[]{w, 4L * w});
            s.put(p + "mlp.c_proj.bias", new long[]{w});
            s.put(p + "ln_2.weight", new long[]{w});
            s.put(p + "ln_2.bias", new long[]{w});
        }
    }

    private static int countLayers(Map<String, long[]> shapes, String prefix) {
        return (int) shapes.keySet().stream()
                .filter(k -> k.startsWith(prefix))
                .map(k -> k.substring(prefix.length()).split("\\.")[0])
                .distinct().count();
    }

    private static long[] require(Map<String, long[]> shapes, String key, int rank, Path source)
            throws BadInputException {
        long[] shape = shapes.get(key);
        if (shape == null) {
            throw new BadInputException(source, "missing key '" + key + "'");
        }
        if (shape.length != rank) {
            throw new BadInputException(source, "key '" + key + "' has shape " + java.util.Arrays.toString(shape)
                    + ", expected rank " + rank);
        }
        return shape;
    }
}
