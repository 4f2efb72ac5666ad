package org.vificlip.video;

/**
 * A decoded 8-bit 4:2:0 picture as decoders produce it, before colour conversion: three planes, each
 * row-major with its own stride. Chroma planes are {@code ceil(width/2) x ceil(height/2)} (or larger).
 */
public record Yuv420Frame(int width, int height,
                          byte[] y, int strideY,
                          byte[] u, byte[] v, int strideUV) {

    // BT.601 limited range ("TV" range) to RGB in 16.16 fixed point, the coefficients FFmpeg's swscale uses
    // for its default YUV->RGB conversion, so our frames match the reference decoder's.
    private static final int Y_SCALE = 76309;   // 255/219 * 65536
    private static final int V_TO_R = 104597;   // 1.596 * 65536
    private static final int U_TO_G = 25675;    // 0.392 * 65536
    private static final int V_TO_G = 53279;    // 0.813 * 65536
    private static final int U_TO_B = 132201;   // 2.017 * 65536

    /** RGB with each chroma sample covering its 2x2 block of luma samples. */
    public RgbFrame toRgb() {
        byte[] rgb = new byte[width * height * 3];
        int o = 0;
        for (int row = 0; row < height; row++) {
            int yRow = row * strideY;
            int cRow = (row >> 1) * strideUV;
            for (int col = 0; col < width; col++) {
                int luma = ((y[yRow + col] & 0xFF) - 16) * Y_SCALE + (1 << 15);
                int cb = (u[cRow + (col >> 1)] & 0xFF) - 128;
                int cr = (v[cRow + (col >> 1)] & 0xFF) - 128;
                rgb[o++] = clamp((luma + V_TO_R * cr) >> 16);
                rgb[o++] = clamp((luma - U_TO_G * cb - V_TO_G * cr) >> 16);
                rgb[o++] = clamp((luma + U_TO_B * cb) >> 16);
            }
        }
        return new RgbFrame(width, height, rgb);
    }

    private static byte clamp(int value) {
        return (byte) (value < 0 ? 0 : Math.min(value, 255));
    }
}
