package org.vificlip.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ViFi-CLIP's {@code TRAIN.ACCUMULATION_STEPS}: the optimizer steps once every {@code steps} batches, on the
 * sum of their gradients each divided by {@code steps} (main.py divides the loss), and with one step per
 * batch when {@code steps} is 1. Used by the local and the Spark training loops alike.
 */
public final class GradientAccumulation {
    private final int steps;
    private final Map<String, INDArray> sum = new LinkedHashMap<>();

    public GradientAccumulation(int steps) {
        this.steps = steps;
    }

    /** Whether the optimizer steps after batch {@code idx} of an epoch. */
    public boolean updatesAfter(int idx) {
        return steps == 1 || (idx + 1) % steps == 0;
    }

    /**
     * Takes batch {@code idx}'s gradients and steps {@code optimizer} when they complete an accumulation.
     * With accumulation the gradient arrays are scaled in place: the caller must not use them afterwards.
     */
    public void add(int idx, Map<String, INDArray> gradients, AdamW optimizer, Map<String, INDArray> parameters, double lr) {
        if (steps == 1) {
            optimizer.step(parameters, gradients, lr);
            return;
        }
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            INDArray total = sum.computeIfAbsent(e.getKey(), k -> Nd4j.zerosLike(e.getValue()));
            total.addi(e.getValue().muli(1.0 / steps));
        }
        if (updatesAfter(idx)) {
            optimizer.step(parameters, sum, lr);
            clear();
        }
    }

    /** Forgets a partial accumulation (train_one_epoch starts with optimizer.zero_grad()). */
    public void clear() {
        for (INDArray total : sum.values()) {
            total.assign(0);
        }
    }
}
