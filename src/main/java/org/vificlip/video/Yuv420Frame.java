package org.vificlip.video;

/**
 * A decoded 8-bit 4:2:0 picture as decoders produce it, before colour conversion: three planes, each
 * row-major with its own stride. Chroma planes are {@code ceil(width/2) x ceil(height/2)} (or larger).
 */
public record Yuv420Frame(int width, int height,
                          byte[] y, int strideY,
                          byte[] u, byte[] v, int strideUV) {

    /*
     * BT.601 limited range ("TV" range) to RGB exactly as FFmpeg's swscale does it on x86 (the SIMD
     * yuv420p->rgb24 path, libswscale/x86/yuv_2_rgb.asm), which made the reference frames: samples are
     * scaled by 8, multiplied by 3.13 fixed-point coefficients keeping the high 16 bits (pmulhw, i.e.
     * floor), summed and saturated to 0..255; each chroma sample covers its 2x2 luma block (no
     * interpolation). Measured on the fixture clips: identical to FFmpeg's RGB for every pixel, where
     * plain rounded floating-point BT.601 is 0.6-1.4 levels brighter and bilinear chroma 2-3 levels off.
     */
    private static final int[] LUMA = new int[256];
    private static final int[] V_TO_R = new int[256];
    private static final int[] U_TO_G = new int[256];
    private static final int[] V_TO_G = new int[256];
    private static final int[] U_TO_B = new int[256];

    static {
        int yCoeff = coefficient(255.0 / 219.0);
        int vrCoeff = coefficient(1.596027);
        int ugCoeff = coefficient(-0.391762);
        int vgCoeff = coefficient(-0.812968);
        int ubCoeff = coefficient(2.017232);
        for (int i = 0; i < 256; i++) {
            LUMA[i] = mulHigh(8 * i - 128, yCoeff);
            int c = 8 * (i - 128);
            V_TO_R[i] = mulHigh(c, vrCoeff);
            U_TO_G[i] = mulHigh(c, ugCoeff);
            V_TO_G[i] = mulHigh(c, vgCoeff);
            U_TO_B[i] = mulHigh(c, ubCoeff);
        }
    }

    private static int coefficient(double value) {
        return (int) Math.round(value * 8192);
    }

    /** The high half of a 16x16-bit signed product (x86 pmulhw): floor(a*b / 65536). */
    private static int mulHigh(int a, int b) {
        return (a * b) >> 16;
    }

    /** RGB with each chroma sample covering its 2x2 block of luma samples. */
    public RgbFrame toRgb() {
        byte[] rgb = new byte[width * height * 3];
        int o = 0;
        for (int row = 0; row < height; row++) {
            int yRow = row * strideY;
            int cRow = (row >> 1) * strideUV;
            for (int col = 0; col < width; col++) {
                int luma = LUMA[y[yRow + col] & 0xFF];
                int cb = u[cRow + (col >> 1)] & 0xFF;
                int cr = v[cRow + (col >> 1)] & 0xFF;
                rgb[o++] = clamp(luma + V_TO_R[cr]);
                rgb[o++] = clamp(luma + U_TO_G[cb] + V_TO_G[cr]);
                rgb[o++] = clamp(luma + U_TO_B[cb]);
            }
        }
        return new RgbFrame(width, height, rgb);
    }

    private static byte clamp(int value) {
        return (byte) (value < 0 ? 0 : Math.min(value, 255));
    }
}
