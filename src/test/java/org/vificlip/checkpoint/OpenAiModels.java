package org.vificlip.checkpoint;

import org.vificlip.model.ClipConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** The released OpenAI ViT CLIP architectures (clip.py {@code _MODELS}), as build_model infers them. */
final class OpenAiModels {
    private OpenAiModels() {
    }

    static final Map<String, ClipConfig> VIT = new LinkedHashMap<>();

    static {
        VIT.put("ViT-B/32", new ClipConfig(512, 224, 12, 768, 32, 77, 49408, 512, 12));
        VIT.put("ViT-B/16", new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 12));
        VIT.put("ViT-L/14", new ClipConfig(768, 224, 24, 1024, 14, 77, 49408, 768, 12));
        VIT.put("ViT-L/14@336px", new ClipConfig(768, 336, 24, 1024, 14, 77, 49408, 768, 12));
    }

    static long parameterCount(ClipConfig c) {
        return c.expectedShapes().values().stream().mapToLong(TensorSource::numel).sum();
    }
}
