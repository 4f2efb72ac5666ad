package org.vificlip.video;

/** Per-channel (RGB) mean and standard deviation on the 0..255 scale: {@code (x - mean) / std}. */
public record Normalization(float[] mean, float[] std) {
    /** ViFi-CLIP's {@code img_norm_cfg} (ImageNet values), what its checkpoints were trained with. */
    public static final Normalization VIFI_CLIP = new Normalization(
            new float[]{123.675f, 116.28f, 103.53f}, new float[]{58.395f, 57.12f, 57.375f});
    /** OpenAI CLIP's own preprocessing values, scaled to 0..255. */
    public static final Normalization OPENAI_CLIP = new Normalization(
            new float[]{0.48145466f * 255, 0.4578275f * 255, 0.40821073f * 255},
            new float[]{0.26862954f * 255, 0.26130258f * 255, 0.27577711f * 255});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
    }

    /** By name for the command line: {@code vificlip} or {@code clip}. */
    public static Normalization named(String name) {
        return switch (name.toLowerCase()) {
            case "vificlip", "vifi-clip", "imagenet" -> VIFI_CLIP;
            case "clip", "openai" -> OPENAI_CLIP;
            default -> throw new IllegalArgumentException("unknown normalisation '" + name + "' (vificlip, clip)");
        };
    }
}
