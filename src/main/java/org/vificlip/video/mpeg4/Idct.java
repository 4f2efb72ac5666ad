package org.vificlip.video.mpeg4;

/**
 * 8x8 inverse DCT computed separably in single precision from the exact cosine basis, which is well
 * inside the IEEE 1180 accuracy limits. Rows that are all zero (the common case) are skipped.
 */
final class Idct {
    /** BASIS[x * 8 + u] = c(u)/2 * cos((2x+1) u pi / 16). */
    private static final float[] BASIS = new float[64];

    static {
        for (int x = 0; x < 8; x++) {
            for (int u = 0; u < 8; u++) {
                double cu = u == 0 ? Math.sqrt(0.5) : 1.0;
                BASIS[x * 8 + u] = (float) (cu / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16));
            }
        }
    }

    private final float[] tmp = new float[64];

    /** In place: coefficients in natural order in, spatial samples (rounded) out. */
    void inverse(int[] block) {
        float[] t = tmp;
        float[] b = BASIS;
        for (int r = 0; r < 64; r += 8) {
            int c0 = block[r], c1 = block[r + 1], c2 = block[r + 2], c3 = block[r + 3];
            int c4 = block[r + 4], c5 = block[r + 5], c6 = block[r + 6], c7 = block[r + 7];
            if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) == 0) {
                float dc = c0 * b[0];
                for (int x = 0; x < 8; x++) {
                    t[r + x] = dc;
                }
                continue;
            }
            for (int x = 0; x < 8; x++) {
                int k = x * 8;
                t[r + x] = c0 * b[k] + c1 * b[k + 1] + c2 * b[k + 2] + c3 * b[k + 3]
                        + c4 * b[k + 4] + c5 * b[k + 5] + c6 * b[k + 6] + c7 * b[k + 7];
            }
        }
        for (int x = 0; x < 8; x++) {
            float c0 = t[x], c1 = t[8 + x], c2 = t[16 + x], c3 = t[24 + x];
            float c4 = t[32 + x], c5 = t[40 + x], c6 = t[48 + x], c7 = t[56 + x];
            for (int y = 0; y < 8; y++) {
                int k = y * 8;
                float v = c0 * b[k] + c1 * b[k + 1] + c2 * b[k + 2] + c3 * b[k + 3]
                        + c4 * b[k + 4] + c5 * b[k + 5] + c6 * b[k + 6] + c7 * b[k + 7];
                block[k + x] = (int) Math.floor(v + 0.5f);
            }
        }
    }
}
