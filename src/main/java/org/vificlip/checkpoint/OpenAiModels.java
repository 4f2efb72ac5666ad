package org.vificlip.checkpoint;

import org.vificlip.model.ClipConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's released ViT CLIP models: their architecture (as {@code build_model} infers it from the weights)
 * and official download addresses, from {@code clip/clip.py _MODELS}. The path segment before the file name
 * is the file's SHA-256. For full-size checks and documentation; loading never needs this table.
 */
public final class OpenAiModels {

    private static final String BASE = "https://openaipublic.azureedge.net/clip/models/";

    /** Model name ({@code "ViT-B/16"}) to architecture. */
    public static final Map<String, ClipConfig> VIT;

    /** Model name to official download address. */
    public static final Map<String, String> URLS;

    static {
        Map<String, ClipConfig> vit = new LinkedHashMap<>();
        vit.put("ViT-B/32", new ClipConfig(512, 224, 12, 768, 32, 77, 49408, 512, 12));
        vit.put("ViT-B/16", new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 12));
        vit.put("ViT-L/14", new ClipConfig(768, 224, 24, 1024, 14, 77, 49408, 768, 12));
        vit.put("ViT-L/14@336px", new ClipConfig(768, 336, 24, 1024, 14, 77, 49408, 768, 12));
        VIT = Collections.unmodifiableMap(vit);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("ViT-B/32", BASE + "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af/ViT-B-32.pt");
        urls.put("ViT-B/16", BASE + "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt");
        urls.put("ViT-L/14", BASE + "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt");
        urls.put("ViT-L/14@336px", BASE + "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt");
        URLS = Collections.unmodifiableMap(urls);
    }

    private OpenAiModels() {
    }

    /** The expected SHA-256 of a model's file: the address's second-to-last path segment. */
    public static String sha256(String model) {
        String[] parts = URLS.get(model).split("/");
        return parts[parts.length - 2];
    }

    /** Number of parameters (all tensors of {@link ClipConfig#expectedShapes()}). */
    public static long parameterCount(ClipConfig c) {
        return c.expectedShapes().values().stream().mapToLong(TensorSource::numel).sum();
    }
}
