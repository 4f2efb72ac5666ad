package org.vificlip.bench;

/**
 * Analytic FLOP counts of CLIP's encoders, the same formulas as {@code benchmarks/clip/pytorch_clip_bench.py},
 * so both sides report comparable GFLOP/s. Only matrix products count, one multiply-add = 2 FLOPs;
 * LayerNorm, softmax, QuickGELU, residual adds and embedding look-ups are left out (under 1%).
 */
public final class ClipFlops {
    private ClipFlops() {
    }

    /**
     * One pre-LN block on one sequence of {@code tokens} tokens, width D: q/k/v projection 6ND²,
     * scores and weights×values 2·2N²D (the full N×N also for the causal text mask: no work is skipped),
     * out projection 2ND², MLP 16ND².
     */
    public static long block(long tokens, long width) {
        return 24 * tokens * width * width + 4 * tokens * tokens * width;
    }

    /** Image encoder: patch embedding, {@code layers} blocks on grid²+1 tokens, {@code proj} of the class token. */
    public static long image(long images, int resolution, int patch, long width, int layers, long embedDim) {
        long grid = resolution / patch;
        long tokens = grid * grid + 1;
        long perImage = 2 * grid * grid * 3L * patch * patch * width
                + layers * block(tokens, width)
                + 2 * width * embedDim;
        return images * perImage;
    }

    /** Text encoder: {@code layers} blocks on the full context, {@code text_projection} of the end token. */
    public static long text(long prompts, int context, long width, int layers, long embedDim) {
        return prompts * (layers * block(context, width) + 2 * width * embedDim);
    }
}
