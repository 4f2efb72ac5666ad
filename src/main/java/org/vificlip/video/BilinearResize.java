package org.vificlip.video;

/**
 * OpenCV's {@code cv2.resize(..., INTER_LINEAR)} on 8-bit RGB, which ViFi-CLIP's pipeline uses through
 * {@code mmcv.imresize}: pixel centres at half-integers ({@code src = (dst + 0.5) * scale - 0.5}, clamped
 * at the borders), 11-bit fixed-point weights, and the rounding of OpenCV's SIMD vertical pass.
 *
 * <p>A window of the destination can be computed alone, so resize-then-crop costs only the crop.
 */
public final class BilinearResize {
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private BilinearResize() {
    }

    /** The whole frame resized to {@code dstW x dstH}. */
    public static RgbFrame resize(RgbFrame src, int dstW, int dstH) {
        return resizeWindow(src, dstW, dstH, 0, 0, dstW, dstH);
    }

    /**
     * The window {@code [x0, x0+w) x [y0, y0+h)} of {@code src} resized to {@code dstW x dstH}: the
     * same pixels as resizing everything and cropping afterwards.
     */
    public static RgbFrame resizeWindow(RgbFrame src, int dstW, int dstH, int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || x0 + w > dstW || y0 + h > dstH || w <= 0 || h <= 0) {
            throw new IllegalArgumentException("window outside the resized frame");
        }
        int srcW = src.width();
        int srcH = src.height();
        int[] xIndex = new int[w];
        int[] xAlpha = new int[w * 2];
        taps(srcW, dstW, x0, w, xIndex, xAlpha);
        int[] yIndex = new int[h];
        int[] yBeta = new int[h * 2];
        taps(srcH, dstH, y0, h, yIndex, yBeta);

        byte[] in = src.rgb();
        byte[] out = new byte[w * h * 3];
        int rowLen = w * 3;
        // Horizontal pass results for the two source rows in use, cached by source row number.
        int[] rowA = new int[rowLen];
        int[] rowB = new int[rowLen];
        int rowANumber = -1;
        int rowBNumber = -1;
        for (int dy = 0; dy < h; dy++) {
            int sy0 = yIndex[dy];
            int sy1 = Math.min(sy0 + 1, srcH - 1);
            if (rowANumber != sy0) {
                if (rowBNumber == sy0) {
                    int[] t = rowA;
                    rowA = rowB;
                    rowB = t;
                    rowBNumber = -1;
                } else {
                    horizontal(in, srcW, sy0, xIndex, xAlpha, rowA);
                }
                rowANumber = sy0;
            }
            if (rowBNumber != sy1) {
                horizontal(in, srcW, sy1, xIndex, xAlpha, rowB);
                rowBNumber = sy1;
            }
            int b0 = yBeta[dy * 2];
            int b1 = yBeta[dy * 2 + 1];
            int o = dy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                // OpenCV's VResizeLinearVec_32s8u: 16-bit high products of (value >> 4) and the weights.
                int v = (((b0 * (rowA[i] >> 4)) >> 16) + ((b1 * (rowB[i] >> 4)) >> 16) + 2) >> 2;
                out[o + i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
        return new RgbFrame(w, h, out);
    }

    /** Source index and the two fixed-point weights of each destination coordinate in the window. */
    private static void taps(int srcSize, int dstSize, int start, int count, int[] index, int[] weights) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        for (int i = 0; i < count; i++) {
            int d = start + i;
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (s < 0) {
                f = 0;
                s = 0;
            }
            if (s >= srcSize - 1) {
                f = 0;
                s = srcSize - 1;
            }
            index[i] = s;
            int w1 = Math.round(f * COEF_SCALE);
            int w0 = Math.round((1.0f - f) * COEF_SCALE);
            weights[2 * i] = w0;
            weights[2 * i + 1] = w1;
        }
    }

    private static void horizontal(byte[] in, int srcW, int sy, int[] xIndex, int[] xAlpha, int[] row) {
        int base = sy * srcW * 3;
        int n = xIndex.length;
        for (int dx = 0; dx < n; dx++) {
            int sx = xIndex[dx];
            int sx1 = Math.min(sx + 1, srcW - 1);
            int a0 = xAlpha[2 * dx];
            int a1 = xAlpha[2 * dx + 1];
            int p0 = base + sx * 3;
            int p1 = base + sx1 * 3;
            int o = dx * 3;
            row[o] = (in[p0] & 0xFF) * a0 + (in[p1] & 0xFF) * a1;
            row[o + 1] = (in[p0 + 1] & 0xFF) * a0 + (in[p1 + 1] & 0xFF) * a1;
            row[o + 2] = (in[p0 + 2] & 0xFF) * a0 + (in[p1 + 2] & 0xFF) * a1;
        }
    }
}
