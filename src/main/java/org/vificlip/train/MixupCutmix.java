package org.vificlip.train;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * ViFi-CLIP's {@code CutmixMixupBlending} (datasets/blending.py), used in training when AUG.MIXUP > 0:
 * labels become smoothed one-hot targets (off = ε/C, on = 1 − ε + off), then with probability
 * {@code switchProb} cutmix, else mixup, each with λ ~ Beta(α, α) and a random permutation of the batch.
 * <ul>
 *   <li>mixup: x = λ·x + (1−λ)·x[perm], y likewise;</li>
 *   <li>cutmix: one box (the reference's {@code rand_bbox}: side ⌊W·√(1−λ)⌋, centre uniform, clamped) is
 *       copied from video perm[b] into video b, the same box in every frame and channel; λ is then
 *       recomputed as 1 − box area / frame area and y = λ·y + (1−λ)·y[perm].</li>
 * </ul>
 * λ and the blends are float32, as in the reference (torch's Beta samples float32). A branch whose α ≤ 0 is
 * off (the reference cannot build Beta(0, 0)): the other one is always used; with both off only the label
 * smoothing is applied.
 * <p>
 * Not thread-safe: one scratch buffer for the copy of the batch is reused across calls.
 */
public final class MixupCutmix {
    /**
     * @param targets     float32 [B, numClasses], each row sums to 1
     * @param cutmix      whether cutmix (rather than mixup, or nothing) was applied
     * @param lambda      weight of each video's own content and label (1 when nothing was blended)
     * @param permutation video b was blended with video {@code permutation[b]}
     */
    public record Result(INDArray targets, boolean cutmix, double lambda, int[] permutation) {
    }

    private final int numClasses;
    private final double mixupAlpha;
    private final double cutmixAlpha;
    private final double switchProb;
    private final float offValue;
    private final float onValue;
    private float[] scratch = new float[0];

    public MixupCutmix(int numClasses, double smoothing, double mixupAlpha, double cutmixAlpha, double switchProb) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1: " + numClasses);
        }
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must lie in [0, 1): " + smoothing);
        }
        if (!(switchProb >= 0 && switchProb <= 1)) {
            throw new IllegalArgumentException("switch probability must lie in [0, 1]: " + switchProb);
        }
        this.numClasses = numClasses;
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
        this.switchProb = switchProb;
        // computed in double, stored as float32, as blending.py's one_hot does
        double off = smoothing / numClasses;
        this.offValue = (float) off;
        this.onValue = (float) (1 - smoothing + off);
    }

    /**
     * Blends a batch.
     *
     * @param frames float32 [B,T,3,H,W] in C order, blended in place
     * @param labels class index per video, [B]
     * @return targets float32 [B, numClasses] and what was done
     */
    public Result apply(float[] frames, int batch, int framesPerVideo, int height, int width, int[] labels,
                        UniformRandomProvider rng) {
        long expected = (long) batch * framesPerVideo * 3 * height * width;
        if (batch < 1 || framesPerVideo < 1 || height < 1 || width < 1 || frames.length != expected) {
            throw new IllegalArgumentException("frames hold " + frames.length + " floats, not B·T·3·H·W = "
                    + batch + "·" + framesPerVideo + "·3·" + height + "·" + width);
        }
        if (labels.length != batch) {
            throw new IllegalArgumentException(labels.length + " labels for " + batch + " videos");
        }
        float[] oneHot = oneHot(labels);

        boolean mixupOn = mixupAlpha > 0;
        boolean cutmixOn = cutmixAlpha > 0;
        if (!mixupOn && !cutmixOn) {
            return new Result(targets(oneHot, batch), false, 1.0, PermutationSampler.natural(batch));
        }
        boolean cutmix = cutmixOn && (!mixupOn || rng.nextDouble() < switchProb);
        int videoSize = framesPerVideo * 3 * height * width;
        float lam;
        int[] perm;
        if (cutmix) {
            // the reference's order of draws: permutation, λ, box centre x, box centre y
            perm = new PermutationSampler(rng, batch, batch).sample();
            lam = (float) ChengBetaSampler.of(rng, cutmixAlpha, cutmixAlpha).sample();
            lam = cutBox(frames, batch, framesPerVideo * 3, height, width, perm, lam, rng);
        } else {
            lam = (float) ChengBetaSampler.of(rng, mixupAlpha, mixupAlpha).sample();
            perm = new PermutationSampler(rng, batch, batch).sample();
            mix(frames, batch, videoSize, perm, lam);
        }
        float[] mixed = new float[oneHot.length];
        mix(oneHot, mixed, batch, numClasses, perm, lam);
        return new Result(targets(mixed, batch), cutmix, lam, perm);
    }

    /**
     * {@code rand_bbox} and the copy; returns λ recomputed from the box.
     *
     * @param planes frames·channels per video: the box is the same in each plane
     */
    private float cutBox(float[] frames, int batch, int planes, int height, int width, int[] perm, float lam,
                         UniformRandomProvider rng) {
        float cutRat = (float) Math.sqrt(1f - lam);          // float32 sqrt, as torch.sqrt of a float32 λ
        int cutW = (int) (width * cutRat);
        int cutH = (int) (height * cutRat);
        int cx = rng.nextInt(width);
        int cy = rng.nextInt(height);
        int x1 = clamp(cx - cutW / 2, width);
        int y1 = clamp(cy - cutH / 2, height);
        int x2 = clamp(cx + cutW / 2, width);
        int y2 = clamp(cy + cutH / 2, height);
        int boxW = x2 - x1;
        int boxH = y2 - y1;
        if (boxW > 0 && boxH > 0) {
            // the reference reads every source box before writing (advanced indexing copies): so here
            int boxesPerVideo = planes * boxH;
            float[] boxes = scratch(batch * boxesPerVideo * boxW);
            int planeSize = height * width;
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < planes; p++) {
                    for (int y = 0; y < boxH; y++) {
                        System.arraycopy(frames, ((b * planes + p) * planeSize) + (y1 + y) * width + x1,
                                boxes, ((b * planes + p) * boxH + y) * boxW, boxW);
                    }
                }
            }
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < planes; p++) {
                    for (int y = 0; y < boxH; y++) {
                        System.arraycopy(boxes, ((perm[b] * planes + p) * boxH + y) * boxW,
                                frames, ((b * planes + p) * planeSize) + (y1 + y) * width + x1, boxW);
                    }
                }
            }
        }
        // 1 − (1.0·(x2−x1)·(y2−y1)) / (W·H), in float32 as the reference's tensors are
        return 1f - ((float) boxW * (float) boxH) / (float) (width * height);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Mixup of the frames in place: x[b] = λ·x[b] + (1−λ)·x[perm[b]] from a copy of the batch. */
    private void mix(float[] frames, int batch, int videoSize, int[] perm, float lam) {
        float[] original = scratch(frames.length);
        System.arraycopy(frames, 0, original, 0, frames.length);
        mix(original, frames, batch, videoSize, perm, lam);
    }

    /** out[b] = λ·in[b] + (1−λ)·in[perm[b]] per row of {@code rowSize}, in float32. */
    private static void mix(float[] in, float[] out, int rows, int rowSize, int[] perm, float lam) {
        float rest = 1f - lam;
        for (int b = 0; b < rows; b++) {
            int own = b * rowSize;
            int other = perm[b] * rowSize;
            for (int i = 0; i < rowSize; i++) {
                out[own + i] = lam * in[own + i] + rest * in[other + i];
            }
        }
    }

    private float[] oneHot(int[] labels) {
        float[] y = new float[labels.length * numClasses];
        Arrays.fill(y, offValue);
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0 || labels[b] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[b] + " is not a class index below " + numClasses);
            }
            y[b * numClasses + labels[b]] = onValue;
        }
        return y;
    }

    private INDArray targets(float[] y, int batch) {
        return Nd4j.create(y, new long[]{batch, numClasses}, 'c');
    }

    private float[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new float[length];
        }
        return scratch;
    }
}
