package org.vificlip.video.mpeg4;

/**
 * 8x8 inverse DCT computed separably in single precision from the exact cosine basis, which is well inside
 * the IEEE 1180 accuracy limits. Each 8-point transform splits into even and odd halves (the basis is
 * symmetric: C[7-x][u] = (-1)^u C[x][u]), and all-zero rows are skipped.
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

    // Even part: E[x] = D*X0 + A[x]*X2 + D*(+-)X4 + B[x]*X6; odd part: O[x] = sum over X1, X3, X5, X7.
    private static final float DC = BASIS[0];
    private static final float[] E2 = {BASIS[2], BASIS[10], BASIS[18], BASIS[26]};
    private static final float[] E4 = {BASIS[4], BASIS[12], BASIS[20], BASIS[28]};
    private static final float[] E6 = {BASIS[6], BASIS[14], BASIS[22], BASIS[30]};
    private static final float[] O1 = {BASIS[1], BASIS[9], BASIS[17], BASIS[25]};
    private static final float[] O3 = {BASIS[3], BASIS[11], BASIS[19], BASIS[27]};
    private static final float[] O5 = {BASIS[5], BASIS[13], BASIS[21], BASIS[29]};
    private static final float[] O7 = {BASIS[7], BASIS[15], BASIS[23], BASIS[31]};

    private final float[] tmp = new float[64];

    /** In place: coefficients in natural order in, spatial samples (rounded) out. */
    void inverse(int[] block) {
        float[] t = tmp;
        for (int r = 0; r < 64; r += 8) {
            int x0 = block[r], x1 = block[r + 1], x2 = block[r + 2], x3 = block[r + 3];
            int x4 = block[r + 4], x5 = block[r + 5], x6 = block[r + 6], x7 = block[r + 7];
            if ((x1 | x2 | x3 | x4 | x5 | x6 | x7) == 0) {
                float dc = x0 * DC;
                for (int x = 0; x < 8; x++) {
                    t[r + x] = dc;
                }
                continue;
            }
            float d = x0 * DC;
            for (int x = 0; x < 4; x++) {
                float e = d + E2[x] * x2 + E4[x] * x4 + E6[x] * x6;
                float o = O1[x] * x1 + O3[x] * x3 + O5[x] * x5 + O7[x] * x7;
                t[r + x] = e + o;
                t[r + 7 - x] = e - o;
            }
        }
        for (int c = 0; c < 8; c++) {
            float x0 = t[c], x1 = t[8 + c], x2 = t[16 + c], x3 = t[24 + c];
            float x4 = t[32 + c], x5 = t[40 + c], x6 = t[48 + c], x7 = t[56 + c];
            float d = x0 * DC;
            for (int y = 0; y < 4; y++) {
                float e = d + E2[y] * x2 + E4[y] * x4 + E6[y] * x6;
                float o = O1[y] * x1 + O3[y] * x3 + O5[y] * x5 + O7[y] * x7;
                block[y * 8 + c] = (int) Math.floor(e + o + 0.5f);
                block[(7 - y) * 8 + c] = (int) Math.floor(e - o + 0.5f);
            }
        }
    }
}
