package org.vificlip.video.mpeg4;

/**
 * Block prediction from a reference plane (clause 7.6.2): half-sample bilinear interpolation with
 * rounding_control, and the quarter-sample 8-tap filter of the Advanced Simple Profile. Vectors may point
 * outside the reference (unrestricted motion vectors): samples are then taken from the nearest edge,
 * which is what the standard's reference padding amounts to.
 */
final class MotionCompensation {
    /** Edge-clamped copy of a source window, used only when a vector points (partly) outside the plane. */
    private final byte[] window = new byte[17 * 17];
    /** Horizontally filtered rows for the quarter-sample filter: (h+1) rows of w samples. */
    private final int[] horizontal = new int[17 * 16];
    /** MIRROR[w == 16 ? 1 : 0][i + 3]: index of tap i (-3..w+4) mirrored into 0..w, the block-edge rule of the filter. */
    private static final int[][] MIRROR = {mirror(8), mirror(16)};

    // Where the (w+1) x (h+1) source window of the current block lives: the plane itself or `window`.
    private byte[] src;
    private int srcOff;
    private int srcStride;

    private static int[] mirror(int w) {
        int[] m = new int[w + 8];
        for (int i = -3; i <= w + 4; i++) {
            int j = i < 0 ? -1 - i : (i > w ? 2 * w + 1 - i : i);
            m[i + 3] = j;
        }
        return m;
    }

    /** Points src at the (w+1) x (h+1) window at (x0, y0), clamping coordinates into the plane if needed. */
    private void locate(byte[] plane, int stride, int planeW, int planeH, int x0, int y0, int w, int h) {
        int sw = w + 1;
        if (x0 >= 0 && y0 >= 0 && x0 + sw <= planeW && y0 + h + 1 <= planeH) {
            src = plane;
            srcOff = y0 * stride + x0;
            srcStride = stride;
            return;
        }
        byte[] win = window;
        for (int r = 0, o = 0; r <= h; r++, o += sw) {
            int yy = Math.min(Math.max(y0 + r, 0), planeH - 1) * stride;
            for (int c = 0; c < sw; c++) {
                int xx = Math.min(Math.max(x0 + c, 0), planeW - 1);
                win[o + c] = plane[yy + xx];
            }
        }
        src = win;
        srcOff = 0;
        srcStride = sw;
    }

    /**
     * Half-sample prediction of a w x h block whose vector, in half samples, points to (2*x + dx, 2*y + dy)
     * with dx, dy in {0, 1}. rounding is vop_rounding_type.
     */
    void halfSample(byte[] plane, int stride, int planeW, int planeH, int x, int y, int dx, int dy,
                    int w, int h, int rounding, int[] dst, int dOff, int dStride) {
        locate(plane, stride, planeW, planeH, x, y, w, h);
        byte[] s = src;
        int ss = srcStride;
        if (dx == 0 && dy == 0) {
            for (int r = 0; r < h; r++) {
                int o = srcOff + r * ss, d = dOff + r * dStride;
                for (int c = 0; c < w; c++) {
                    dst[d + c] = s[o + c] & 0xFF;
                }
            }
        } else if (dy == 0) {
            int add = 1 - rounding;
            for (int r = 0; r < h; r++) {
                int o = srcOff + r * ss, d = dOff + r * dStride;
                for (int c = 0; c < w; c++) {
                    dst[d + c] = ((s[o + c] & 0xFF) + (s[o + c + 1] & 0xFF) + add) >> 1;
                }
            }
        } else if (dx == 0) {
            int add = 1 - rounding;
            for (int r = 0; r < h; r++) {
                int o = srcOff + r * ss, d = dOff + r * dStride;
                for (int c = 0; c < w; c++) {
                    dst[d + c] = ((s[o + c] & 0xFF) + (s[o + c + ss] & 0xFF) + add) >> 1;
                }
            }
        } else {
            int add = 2 - rounding;
            for (int r = 0; r < h; r++) {
                int o = srcOff + r * ss, d = dOff + r * dStride;
                for (int c = 0; c < w; c++) {
                    dst[d + c] = ((s[o + c] & 0xFF) + (s[o + c + 1] & 0xFF) + (s[o + c + ss] & 0xFF)
                            + (s[o + c + ss + 1] & 0xFF) + add) >> 2;
                }
            }
        }
    }

    /**
     * Quarter-sample luma prediction of a w x w block (w = 8 or 16) at integer position (x, y) plus the
     * quarter fractions fx, fy in 0..3: horizontal pass at fx over w+1 rows, then vertical pass at fy.
     * Half positions come from the 8-tap filter (-1, 3, -6, 20, 20, -6, 3, -1)/32 with taps mirrored at the
     * block edge; quarter positions average the nearest full/half samples.
     */
    void quarterSample(byte[] plane, int stride, int planeW, int planeH, int x, int y, int fx, int fy,
                       int w, int rounding, int[] dst, int dOff, int dStride) {
        locate(plane, stride, planeW, planeH, x, y, w, w);
        byte[] s = src;
        int ss = srcStride;
        int[] hp = horizontal;
        int[] mir = MIRROR[w == 16 ? 1 : 0];
        int lpAdd = 16 - rounding;
        int avgAdd = 1 - rounding;
        // Horizontal pass: w+1 rows of w samples each.
        for (int r = 0; r <= w; r++) {
            int o = srcOff + r * ss, d = r * w;
            if (fx == 0) {
                for (int c = 0; c < w; c++) {
                    hp[d + c] = s[o + c] & 0xFF;
                }
                continue;
            }
            for (int c = 0; c < w; c++) {
                int lp = lowpassRow(s, o, mir, c, lpAdd);
                if (fx == 1) {
                    lp = ((s[o + c] & 0xFF) + lp + avgAdd) >> 1;
                } else if (fx == 3) {
                    lp = ((s[o + c + 1] & 0xFF) + lp + avgAdd) >> 1;
                }
                hp[d + c] = lp;
            }
        }
        // Vertical pass on each column of the horizontally filtered block.
        for (int c = 0; c < w; c++) {
            for (int r = 0; r < w; r++) {
                int v;
                if (fy == 0) {
                    v = hp[r * w + c];
                } else {
                    int lp = lowpass(hp, c, w, mir, r, lpAdd);
                    if (fy == 1) {
                        v = (hp[r * w + c] + lp + avgAdd) >> 1;
                    } else if (fy == 3) {
                        v = (hp[(r + 1) * w + c] + lp + avgAdd) >> 1;
                    } else {
                        v = lp;
                    }
                }
                dst[dOff + r * dStride + c] = v;
            }
        }
    }

    /** Half-sample value between taps i and i+1 of the row p[base + k], k = 0..w. */
    private static int lowpassRow(byte[] p, int base, int[] mir, int i, int add) {
        int m0 = p[base + mir[i + 3]] & 0xFF, m1 = p[base + mir[i + 4]] & 0xFF;
        int a1 = p[base + mir[i + 2]] & 0xFF, b1 = p[base + mir[i + 5]] & 0xFF;
        int a2 = p[base + mir[i + 1]] & 0xFF, b2 = p[base + mir[i + 6]] & 0xFF;
        int a3 = p[base + mir[i]] & 0xFF, b3 = p[base + mir[i + 7]] & 0xFF;
        int v = (20 * (m0 + m1) - 6 * (a1 + b1) + 3 * (a2 + b2) - (a3 + b3) + add) >> 5;
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    /** Half-sample value between taps i and i+1 of the line p[base + k*step], k = 0..w. */
    private static int lowpass(int[] p, int base, int step, int[] mir, int i, int add) {
        int m0 = p[base + mir[i + 3] * step], m1 = p[base + mir[i + 4] * step];
        int a1 = p[base + mir[i + 2] * step], b1 = p[base + mir[i + 5] * step];
        int a2 = p[base + mir[i + 1] * step], b2 = p[base + mir[i + 6] * step];
        int a3 = p[base + mir[i] * step], b3 = p[base + mir[i + 7] * step];
        int v = (20 * (m0 + m1) - 6 * (a1 + b1) + 3 * (a2 + b2) - (a3 + b3) + add) >> 5;
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }
}
