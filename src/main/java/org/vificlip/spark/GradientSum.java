package org.vificlip.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients of a share of a batch, summed over its videos: a worker's mean-loss gradient over its b videos
 * times b. Sums add up across workers (Spark's tree aggregation), and the total divided by the batch's videos
 * is the gradient of the mean loss over the whole batch: what one machine computes for that batch.
 * Addition is element-wise float32: a+b = b+a exactly, so with two workers the order the sums arrive in does
 * not matter; with more, a different order changes the last bit at most.
 */
public final class GradientSum implements Serializable {
    private int videos;
    private double lossSum;
    private final Map<String, float[]> sums;
    private final List<String> skipped;

    private GradientSum(int videos, double lossSum, Map<String, float[]> sums, List<String> skipped) {
        this.videos = videos;
        this.lossSum = lossSum;
        this.sums = sums;
        this.skipped = skipped;
    }

    /** Nothing yet (the aggregation's zero). */
    public static GradientSum empty() {
        return new GradientSum(0, 0, new LinkedHashMap<>(), new ArrayList<>());
    }

    /**
     * @param meanLoss     the loss over the share's {@code videos} videos (their mean)
     * @param meanGradient per parameter, the gradient of that mean loss (scaled here by {@code videos})
     */
    public static GradientSum ofShare(int videos, double meanLoss, Map<String, float[]> meanGradient, List<String> skipped) {
        for (float[] g : meanGradient.values()) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= videos;
            }
        }
        return new GradientSum(videos, meanLoss * videos, meanGradient, new ArrayList<>(skipped));
    }

    /** Adds {@code other} into this one (and returns it, as Spark's aggregation expects). */
    public GradientSum add(GradientSum other) {
        if (videos == 0 && sums.isEmpty()) {
            other.skipped.addAll(0, skipped);
            return other;
        }
        for (Map.Entry<String, float[]> e : other.sums.entrySet()) {
            float[] sum = sums.get(e.getKey());
            float[] g = e.getValue();
            if (sum == null) {
                sums.put(e.getKey(), g);
                continue;
            }
            for (int i = 0; i < g.length; i++) {
                sum[i] += g[i];
            }
        }
        videos += other.videos;
        lossSum += other.lossSum;
        skipped.addAll(other.skipped);
        return this;
    }

    public int videos() {
        return videos;
    }

    /** The mean loss over all videos added. */
    public double meanLoss() {
        return lossSum / videos;
    }

    public Map<String, float[]> sums() {
        return sums;
    }

    /** The videos the workers could not load, each with the reason. */
    public List<String> skipped() {
        return skipped;
    }
}
