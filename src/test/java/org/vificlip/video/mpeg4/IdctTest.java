package org.vificlip.video.mpeg4;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The IEEE 1180-1990 accuracy test of the inverse DCT (10,000 blocks per input range and sign). */
class IdctTest {
    private static final double[][] C = new double[8][8];

    static {
        for (int x = 0; x < 8; x++) {
            for (int u = 0; u < 8; u++) {
                C[x][u] = (u == 0 ? Math.sqrt(0.125) : 0.5) * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
    }

    @Test
    void meetsIeee1180() {
        int[][] ranges = {{256, 255}, {5, 5}, {300, 300}};
        for (int[] range : ranges) {
            for (int sign : new int[] {1, -1}) {
                check(range[0], range[1], sign);
            }
        }
    }

    private static void check(int low, int high, int sign) {
        Random random = new Random(low * 31L + high + sign);
        Idct idct = new Idct();
        int blocks = 10000;
        long[] errSum = new long[64];
        long[] errSq = new long[64];
        int peak = 0;
        double[] spatial = new double[64];
        int[] coef = new int[64];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < 64; i++) {
                spatial[i] = sign * (random.nextInt(low + high + 1) - low);
            }
            for (int v = 0; v < 8; v++) {
                for (int u = 0; u < 8; u++) {
                    double s = 0;
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            s += C[y][v] * C[x][u] * spatial[y * 8 + x];
                        }
                    }
                    coef[v * 8 + u] = (int) Math.max(-2048, Math.min(2047, Math.round(s)));
                }
            }
            int[] reference = referenceInverse(coef);
            int[] ours = coef.clone();
            idct.inverse(ours);
            for (int i = 0; i < 64; i++) {
                int ourValue = Math.max(-256, Math.min(255, ours[i]));
                int e = ourValue - reference[i];
                errSum[i] += e;
                errSq[i] += (long) e * e;
                peak = Math.max(peak, Math.abs(e));
            }
        }
        String what = "range -" + low + ".." + high + " sign " + sign;
        assertTrue(peak <= 1, what + ": peak error " + peak);
        double totalSq = 0;
        double totalSum = 0;
        for (int i = 0; i < 64; i++) {
            double pmse = (double) errSq[i] / blocks;
            double pme = Math.abs((double) errSum[i] / blocks);
            assertTrue(pmse <= 0.06, what + ": mse " + pmse + " at " + i);
            assertTrue(pme <= 0.015, what + ": mean error " + pme + " at " + i);
            totalSq += errSq[i];
            totalSum += errSum[i];
        }
        assertTrue(totalSq / (64.0 * blocks) <= 0.02, what + ": overall mse");
        assertTrue(Math.abs(totalSum) / (64.0 * blocks) <= 0.0015, what + ": overall mean error");
    }

    private static int[] referenceInverse(int[] coef) {
        int[] out = new int[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                double s = 0;
                for (int v = 0; v < 8; v++) {
                    for (int u = 0; u < 8; u++) {
                        s += C[y][v] * C[x][u] * coef[v * 8 + u];
                    }
                }
                out[y * 8 + x] = (int) Math.max(-256, Math.min(255, Math.round(s)));
            }
        }
        return out;
    }
}
