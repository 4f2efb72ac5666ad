package org.vificlip.train;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ViFi-CLIP's CutmixMixupBlending, checked against its definition in datasets/blending.py. */
class MixupCutmixTest {
    private static final int C = 5;
    private static final double SMOOTHING = 0.1;
    private static final int[] LABELS = {1, 3, 0, 3};
    private static final int B = LABELS.length;

    private static UniformRandomProvider rng(long seed) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    }

    /** Distinct random values, so a moved pixel is always recognisable. */
    private static float[] frames(int t, int h, int w, long seed) {
        UniformRandomProvider r = rng(~seed);
        float[] x = new float[B * t * 3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    /** blending.py's one_hot: off = ε/C = 0.02, on = 1 − ε + off = 0.92. */
    private static float[][] smoothedOneHot() {
        float[][] y = new float[B][C];
        for (int b = 0; b < B; b++) {
            Arrays.fill(y[b], (float) (SMOOTHING / C));
            y[b][LABELS[b]] = (float) (1 - SMOOTHING + SMOOTHING / C);
        }
        return y;
    }

    private static void assertBlendedTargets(MixupCutmix.Result r) {
        float[][] y = smoothedOneHot();
        INDArray t = r.targets();
        assertArrayEquals(new long[]{B, C}, t.shape());
        for (int b = 0; b < B; b++) {
            double sum = 0;
            for (int c = 0; c < C; c++) {
                double expected = r.lambda() * y[b][c] + (1 - r.lambda()) * y[r.permutation()[b]][c];
                assertEquals(expected, t.getDouble(b, c), 1e-6, "target " + b + "," + c);
                sum += t.getDouble(b, c);
            }
            assertEquals(1.0, sum, 1e-6, "row " + b + " sums to 1");
        }
    }

    private static void assertPermutation(int[] perm) {
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        int[] natural = new int[B];
        Arrays.setAll(natural, i -> i);
        assertArrayEquals(natural, sorted, "a permutation of the batch: " + Arrays.toString(perm));
    }

    @Test
    void mixupBlendsFramesAndTargetsWithTheSameLambda() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.8, 0.0, 0.5);   // cutmix off: always mixup
        int t = 2, h = 6, w = 5;
        boolean sawNonTrivial = false;
        for (long seed = 0; seed < 20; seed++) {
            float[] x = frames(t, h, w, seed);
            float[] original = x.clone();
            MixupCutmix.Result r = blend.apply(x, B, t, h, w, LABELS, rng(seed));
            assertFalse(r.cutmix());
            assertPermutation(r.permutation());
            assertTrue(r.lambda() >= 0 && r.lambda() <= 1, "λ " + r.lambda());
            assertBlendedTargets(r);
            int video = t * 3 * h * w;
            for (int b = 0; b < B; b++) {
                int src = r.permutation()[b];
                for (int i = 0; i < video; i++) {
                    double expected = r.lambda() * original[b * video + i] + (1 - r.lambda()) * original[src * video + i];
                    assertEquals(expected, x[b * video + i], 1e-6);
                }
                sawNonTrivial |= src != b && r.lambda() > 0.05 && r.lambda() < 0.95;
            }
        }
        assertTrue(sawNonTrivial, "some draw actually mixed two different videos");
    }

    @Test
    void cutmixCopiesOneBoxFromThePermutedVideo() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.0, 1.0, 0.5);   // mixup off: always cutmix
        int t = 3, h = 7, w = 9;
        int checked = 0, clamped = 0, inside = 0;
        for (long seed = 0; seed < 300; seed++) {
            float[] x = frames(t, h, w, seed);
            float[] original = x.clone();
            MixupCutmix.Result r = blend.apply(x, B, t, h, w, LABELS, rng(seed));
            assertTrue(r.cutmix());
            int[] perm = r.permutation();
            assertPermutation(perm);
            assertBlendedTargets(r);
            int planes = t * 3, plane = h * w;
            // the box: the pixels of plane 0 that changed in a video blended with another one
            int[] box = null;
            for (int b = 0; b < B && box == null; b++) {
                if (perm[b] != b) {
                    box = changedBox(original, x, b * planes * plane, h, w);
                }
            }
            if (box == null) {
                // identity permutation, or an empty box: nothing may change, λ must be 1 for an empty box
                if (Arrays.equals(perm, new int[]{0, 1, 2, 3})) {
                    assertArrayEquals(original, x);
                    continue;
                }
                box = new int[]{0, 0, 0, 0};
            }
            int y1 = box[0], y2 = box[1], x1 = box[2], x2 = box[3];
            double area = (double) (y2 - y1) * (x2 - x1) / (h * w);
            assertEquals(area, 1 - r.lambda(), 1e-6, "1 − λ is the box's share of the frame");
            for (int b = 0; b < B; b++) {
                for (int p = 0; p < planes; p++) {
                    for (int yy = 0; yy < h; yy++) {
                        for (int xx = 0; xx < w; xx++) {
                            boolean in = yy >= y1 && yy < y2 && xx >= x1 && xx < x2;
                            int src = in ? perm[b] : b;
                            assertEquals(original[(src * planes + p) * plane + yy * w + xx],
                                    x[(b * planes + p) * plane + yy * w + xx], 0.0,
                                    "video " + b + " plane " + p + " (" + yy + "," + xx + ") inside " + in);
                        }
                    }
                }
            }
            if (y2 > y1) {
                checked++;
                // rand_bbox: cx ± cut_w // 2, so an unclamped side has even length
                if (x1 > 0 && x2 < w) {
                    assertEquals(0, (x2 - x1) % 2, "unclamped width " + (x2 - x1));
                }
                if (y1 > 0 && y2 < h) {
                    assertEquals(0, (y2 - y1) % 2, "unclamped height " + (y2 - y1));
                }
                if (x1 == 0 || y1 == 0 || x2 == w || y2 == h) {
                    clamped++;
                } else {
                    inside++;
                }
            }
        }
        System.out.printf("cutmix: %d boxes checked (%d clamped at an edge, %d inside)%n", checked, clamped, inside);
        assertTrue(checked > 200 && clamped > 20 && inside > 20);
    }

    /**
     * The bounding box [y1, y2) × [x1, x2) of the pixels that differ in the plane at {@code offset}, checked
     * to be a filled rectangle; null when nothing changed.
     */
    private static int[] changedBox(float[] before, float[] after, int offset, int h, int w) {
        int y1 = h, y2 = 0, x1 = w, x2 = 0, count = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (before[offset + y * w + x] != after[offset + y * w + x]) {
                    y1 = Math.min(y1, y);
                    y2 = Math.max(y2, y + 1);
                    x1 = Math.min(x1, x);
                    x2 = Math.max(x2, x + 1);
                    count++;
                }
            }
        }
        if (count == 0) {
            return null;
        }
        assertEquals((y2 - y1) * (x2 - x1), count, "the changed pixels form a rectangle");
        return new int[]{y1, y2, x1, x2};
    }

    @Test
    void switchProbabilityChoosesCutmix() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 0.3);
        UniformRandomProvider r = rng(7);
        int n = 4000, cutmix = 0;
        for (int i = 0; i < n; i++) {
            cutmix += blend.apply(frames(1, 2, 2, i), B, 1, 2, 2, LABELS, r).cutmix() ? 1 : 0;
        }
        double share = (double) cutmix / n;
        double sigma = Math.sqrt(0.3 * 0.7 / n);
        System.out.printf("cutmix share %.4f (switch prob 0.3, σ %.4f)%n", share, sigma);
        assertEquals(0.3, share, 4 * sigma);
        for (int i = 0; i < 50; i++) {
            assertFalse(new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 0.0).apply(frames(1, 2, 2, i), B, 1, 2, 2, LABELS, r).cutmix());
            assertTrue(new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 1.0).apply(frames(1, 2, 2, i), B, 1, 2, 2, LABELS, r).cutmix());
        }
    }

    /** Mixup's λ ~ Beta(0.8, 0.8): mean ½, variance αβ/((α+β)²(α+β+1)) = 0.64/(2.56·2.6) = 0.09615. */
    @Test
    void mixupLambdaFollowsBeta() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.8, 0.0, 0.5);
        UniformRandomProvider r = rng(11);
        int n = 4000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            double lam = blend.apply(new float[B * 3], B, 1, 1, 1, LABELS, r).lambda();
            sum += lam;
            sumSq += lam * lam;
        }
        double mean = sum / n, var = sumSq / n - mean * mean;
        System.out.printf("mixup λ mean %.4f var %.5f (Beta(0.8,0.8): 0.5, 0.09615)%n", mean, var);
        assertEquals(0.5, mean, 4 * Math.sqrt(0.09615 / n));
        // the sample variance's standard error is about 0.0013 here; U(0,1) would give 0.0833
        assertEquals(0.09615, var, 0.006);
    }

    @Test
    void sameSeedSameResult() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 0.5);
        boolean sawCutmix = false, sawMixup = false;
        for (long seed = 0; seed < 10; seed++) {
            float[] a = frames(2, 6, 6, seed);
            float[] b = a.clone();
            MixupCutmix.Result ra = blend.apply(a, B, 2, 6, 6, LABELS, rng(seed));
            MixupCutmix.Result rb = new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 0.5).apply(b, B, 2, 6, 6, LABELS, rng(seed));
            assertArrayEquals(a, b);
            assertArrayEquals(ra.targets().data().asFloat(), rb.targets().data().asFloat());
            assertArrayEquals(ra.permutation(), rb.permutation());
            assertEquals(ra.lambda(), rb.lambda());
            assertEquals(ra.cutmix(), rb.cutmix());
            sawCutmix |= ra.cutmix();
            sawMixup |= !ra.cutmix();
        }
        assertTrue(sawCutmix && sawMixup);
    }

    @Test
    void bothOffLeavesOnlyLabelSmoothing() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.0, 0.0, 0.5);
        float[] x = frames(2, 4, 4, 3);
        float[] original = x.clone();
        MixupCutmix.Result r = blend.apply(x, B, 2, 4, 4, LABELS, rng(3));
        assertArrayEquals(original, x);
        assertFalse(r.cutmix());
        assertEquals(1.0, r.lambda());
        float[][] y = smoothedOneHot();
        for (int b = 0; b < B; b++) {
            assertArrayEquals(y[b], r.targets().getRow(b).toFloatVector(), 0f);
        }
        assertEquals(0.92f, r.targets().getFloat(0, 1), 1e-7f);
        assertEquals(0.02f, r.targets().getFloat(0, 0), 1e-7f);
    }

    @Test
    void badInputIsRejected() {
        MixupCutmix blend = new MixupCutmix(C, SMOOTHING, 0.8, 1.0, 0.5);
        assertThrows(IllegalArgumentException.class,
                () -> blend.apply(new float[B * 3 * 4], B, 1, 2, 3, LABELS, rng(1)));
        assertThrows(IllegalArgumentException.class,
                () -> blend.apply(new float[B * 3 * 4], B, 1, 2, 2, new int[]{0, 1, 2, C}, rng(1)));
        assertThrows(IllegalArgumentException.class,
                () -> blend.apply(new float[B * 3 * 4], B, 1, 2, 2, new int[]{0, 1}, rng(1)));
    }
}
