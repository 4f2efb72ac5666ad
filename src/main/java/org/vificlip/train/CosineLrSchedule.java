package org.vificlip.train;

/**
 * timm's {@code CosineLRScheduler} as ViFi-CLIP's {@code build_scheduler} configures it: one cycle
 * ({@code cycle_limit} 1, {@code cycle_mul} and {@code cycle_decay} 1), {@code t_in_epochs=False} (t counts
 * batches), {@code warmup_prefix=False} (the cosine runs from t = 0, so the warm-up covers its start),
 * {@code k_decay} 1, no noise. Stateless: the lr is a function of t.
 */
public final class CosineLrSchedule {
    private final double baseLr;
    private final long tInitial;
    private final long warmupT;
    private final double lrMin;
    private final double warmupLrInit;
    /** timm's {@code warmup_steps}: the lr gained per t during warm-up. */
    private final double warmupStep;

    public CosineLrSchedule(double baseLr, long tInitial, long warmupT, double lrMin, double warmupLrInit) {
        if (tInitial <= 0) {
            throw new IllegalArgumentException("t_initial must be > 0 (timm asserts it): " + tInitial);
        }
        if (warmupT < 0 || !(lrMin >= 0)) {
            throw new IllegalArgumentException("warmup_t " + warmupT + " and lr_min " + lrMin + " must be >= 0");
        }
        this.baseLr = baseLr;
        this.tInitial = tInitial;
        this.warmupT = warmupT;
        this.lrMin = lrMin;
        this.warmupLrInit = warmupLrInit;
        this.warmupStep = warmupT > 0 ? (baseLr - warmupLrInit) / warmupT : 1;
    }

    /**
     * ViFi-CLIP's {@code build_scheduler}: t_initial = EPOCHS·n, warmup_t = WARMUP_EPOCHS·n (n = batches per
     * epoch, {@code len(train_loader)}), lr_min = LR/100, warmup_lr_init = 0.
     */
    public static CosineLrSchedule vifiClip(double lr, int epochs, int warmupEpochs, int itersPerEpoch) {
        return new CosineLrSchedule(lr, (long) epochs * itersPerEpoch, (long) warmupEpochs * itersPerEpoch,
                lr / 100, 0);
    }

    /** The lr the optimizer holds before the first {@code step_update}: timm sets warmup_lr_init when warm-up is on. */
    public double initialLr() {
        return warmupT > 0 ? warmupLrInit : baseLr;
    }

    /** timm's {@code _get_lr(t)}, the lr {@code step_update(t)} sets. */
    public double lrAt(long t) {
        if (t < warmupT) {
            return warmupLrInit + t * warmupStep;
        }
        long cycle = Math.floorDiv(t, tInitial);
        long tCurr = t - tInitial * cycle;
        if (cycle < 1) {
            // written as timm writes it, (π·t_curr)/t_i, so the rounding is the same
            return lrMin + 0.5 * (baseLr - lrMin) * (1 + Math.cos(Math.PI * tCurr / tInitial));
        }
        return lrMin;
    }

    /**
     * The lr of every {@code optimizer.step()} of ViFi-CLIP's {@code train_one_epoch} over {@code epochs}
     * epochs from epoch 0. The optimizer starts at {@link #initialLr()}; after the step at batch {@code idx}
     * of epoch {@code e} the loop calls {@code step_update(e·itersPerEpoch + idx)}, so each step uses the lr
     * the previous step's update set. With {@code accumulationSteps} N > 1 a step happens only when
     * (idx+1) % N == 0: t keeps counting batches, and the batches left over at an epoch's end never step
     * (their gradients are dropped by the next epoch's {@code zero_grad}).
     */
    public static double[] lrPerUpdate(CosineLrSchedule s, int epochs, int itersPerEpoch, int accumulationSteps) {
        if (epochs < 0 || itersPerEpoch < 0 || accumulationSteps < 1) {
            throw new IllegalArgumentException("epochs " + epochs + ", iters per epoch " + itersPerEpoch
                    + ", accumulation steps " + accumulationSteps);
        }
        int perEpoch = itersPerEpoch / accumulationSteps;
        double[] lrs = new double[Math.multiplyExact(epochs, perEpoch)];
        double lr = s.initialLr();
        int k = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int idx = 0; idx < itersPerEpoch; idx++) {
                if ((idx + 1) % accumulationSteps == 0) {
                    lrs[k++] = lr;
                    lr = s.lrAt((long) epoch * itersPerEpoch + idx);
                }
            }
        }
        return lrs;
    }
}
