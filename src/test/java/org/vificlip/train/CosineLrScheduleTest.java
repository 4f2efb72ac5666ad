package org.vificlip.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The schedule against values worked out by hand from timm's cosine_lr.py:
 * t &lt; warmup_t: warmup_lr_init + t·(base − warmup_lr_init)/warmup_t; otherwise i = t // t_initial,
 * t_curr = t − i·t_initial and, while i &lt; 1, lr_min + ½(base − lr_min)(1 + cos(π·t_curr/t_initial)),
 * then lr_min. The cosines used are exact values (multiples of 15°).
 */
class CosineLrScheduleTest {
    private static final double EXACT = 1e-15;
    private static final double HAND = 1e-12;

    /** base 1, t_initial 8, no warm-up, lr_min 0. */
    @Test
    void cosineWithoutWarmup() {
        CosineLrSchedule s = new CosineLrSchedule(1.0, 8, 0, 0.0, 0.0);
        assertEquals(1.0, s.initialLr(), EXACT, "no warm-up: the optimizer keeps the base lr");
        assertEquals(1.0, s.lrAt(0), EXACT);                          // ½(1 + cos 0) = 1
        assertEquals(0.8535533905932737, s.lrAt(2), EXACT);           // ½(1 + cos π/4) = ½ + √2/4
        assertEquals(0.5, s.lrAt(4), EXACT);                          // ½(1 + cos π/2) = ½
        assertEquals(0.14644660940672624, s.lrAt(6), EXACT);          // ½(1 − √2/2) = ½ − √2/4
        assertEquals(0.0, s.lrAt(8), EXACT);                          // i = 8 // 8 = 1: past the one cycle, lr_min
        assertEquals(0.0, s.lrAt(1000), EXACT);
    }

    /**
     * ViFi-CLIP's build_scheduler with LR 1, EPOCHS 4, WARMUP_EPOCHS 1, 3 batches per epoch:
     * t_initial = 12, warmup_t = 3, lr_min = 1/100 = 0.01, warmup_lr_init = 0, so ½(base − lr_min) = 0.495.
     */
    static CosineLrSchedule vifiConfig() {
        return CosineLrSchedule.vifiClip(1.0, 4, 1, 3);
    }

    @Test
    void vifiClipConfigWithWarmup() {
        CosineLrSchedule s = vifiConfig();
        assertEquals(0.0, s.initialLr(), EXACT, "warm-up: timm sets warmup_lr_init at construction");
        assertEquals(0.0, s.lrAt(0), EXACT);                          // 0 + 0·(1 − 0)/3
        assertEquals(1.0 / 3, s.lrAt(1), EXACT);                      // 0 + 1·(1/3)
        assertEquals(2.0 / 3, s.lrAt(2), EXACT);                      // 0 + 2·(1/3)
        // warmup_prefix False: the cosine counts from t = 0, so at t = 3 it is already a quarter in
        assertEquals(0.8550178566873411, s.lrAt(3), HAND);            // 0.01 + 0.495·(1 + cos π/4) = 0.01 + 0.495·1.7071067811865476
        assertEquals(0.7525, s.lrAt(4), HAND);                        // 0.01 + 0.495·(1 + cos π/3) = 0.01 + 0.495·1.5
        assertEquals(0.505, s.lrAt(6), HAND);                         // 0.01 + 0.495·(1 + cos π/2) = 0.01 + 0.495
        assertEquals(0.37688457267425223, s.lrAt(7), HAND);           // cos 7π/12 = −(√6 − √2)/4 = −0.25881904510252074: 0.01 + 0.495·0.74118095489747926
        assertEquals(0.2575, s.lrAt(8), HAND);                        // 0.01 + 0.495·(1 + cos 2π/3) = 0.01 + 0.495·0.5
        assertEquals(0.07631742512670289, s.lrAt(10), HAND);          // cos 5π/6 = −√3/2: 0.01 + 0.495·0.1339745962155614
        assertEquals(0.01, s.lrAt(12), EXACT);                        // i = 1: lr_min
        assertEquals(0.01, s.lrAt(20), EXACT);
    }

    @Test
    void warmupFromANonZeroInitialLr() {
        CosineLrSchedule s = new CosineLrSchedule(1e-3, 100, 10, 1e-5, 1e-6);
        assertEquals(1e-6, s.initialLr(), EXACT);
        assertEquals(5.005e-4, s.lrAt(5), HAND);                      // 1e-6 + 5·(1e-3 − 1e-6)/10 = 1e-6 + 4.995e-4
        // t = 50 is halfway through the cycle: cos π/2 = 0, so lr_min + ½(base − lr_min)
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5), s.lrAt(50), HAND);
    }

    /**
     * The same config with ACCUMULATION_STEPS 2 and 3 (odd) batches per epoch: the optimizer steps at
     * idx 1 only (idx 0 accumulates; idx 2 is left over and never steps), i.e. at t = 3e + 1. Each step uses
     * the lr the previous step_update set: first the initial lr 0, then lrAt(1), lrAt(4), lrAt(7).
     */
    @Test
    void lrPerUpdateWithAccumulationAndALeftoverBatch() {
        double[] lrs = CosineLrSchedule.lrPerUpdate(vifiConfig(), 4, 3, 2);
        assertArrayEquals(new double[]{0.0, 1.0 / 3, 0.7525, 0.37688457267425223}, lrs, HAND);
    }

    /** Without accumulation every batch steps: 0 (initial), then lrAt(0) = 0 again, lrAt(1), ..., lrAt(4). */
    @Test
    void lrPerUpdateWithoutAccumulation() {
        double[] lrs = CosineLrSchedule.lrPerUpdate(vifiConfig(), 2, 3, 1);
        assertArrayEquals(new double[]{0.0, 0.0, 1.0 / 3, 2.0 / 3, 0.8550178566873411, 0.7525}, lrs, HAND);
    }

    /** 5 batches, accumulation 2: steps at idx 1 and 3, idx 4 left over; t = 1, 3, 6, 8 over two epochs. */
    @Test
    void lrPerUpdateCountsBatchesNotUpdates() {
        CosineLrSchedule s = CosineLrSchedule.vifiClip(1.0, 2, 1, 5);
        double[] lrs = CosineLrSchedule.lrPerUpdate(s, 2, 5, 2);
        assertArrayEquals(new double[]{s.initialLr(), s.lrAt(1), s.lrAt(3), s.lrAt(6)}, lrs, 0.0);
    }

    @Test
    void rejectsWhatTimmRejects() {
        assertThrows(IllegalArgumentException.class, () -> new CosineLrSchedule(1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineLrSchedule(1, 10, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> CosineLrSchedule.lrPerUpdate(vifiConfig(), 1, 3, 0));
    }
}
