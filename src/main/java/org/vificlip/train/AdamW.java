package org.vificlip.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW (single-tensor path, amsgrad off, maximize off), state per parameter key.
 * <p>
 * Each update follows the order of operations of torch's {@code _single_tensor_adamw}, in float32, so the
 * rounding is torch's up to the odd ulp: decoupled weight decay first, then the moment updates (the first
 * moment by {@code lerp}), bias corrections from the step count, and the update divided by
 * {@code sqrt(v)/sqrt(bc2) + eps}. Every operation is an in-place ND4J op (parameters reach 150M floats);
 * the one temporary lives in a scratch buffer sized to the largest parameter and reused by every key and
 * every step, so memory stays flat over training. Element-wise ops only (no reductions), so the same inputs
 * give bit-identical results: resuming from {@link #states()} continues exactly.
 * <p>
 * Not thread-safe (the scratch buffer is shared).
 */
public final class AdamW {
    /** Optimiser state of one parameter, as torch keeps it: step count and the two moment estimates. */
    public record State(long step, INDArray expAvg, INDArray expAvgSq) {
    }

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, State> states = new LinkedHashMap<>();
    /** Flat float32 scratch, grown to the largest parameter seen; per-key views of its start are cached. */
    private INDArray scratch;
    private final Map<String, INDArray> scratchViews = new HashMap<>();

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1): " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("eps and weight decay must be >= 0: " + eps + ", " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /**
     * ViFi-CLIP's {@code build_optimizer}: one group over every trainable parameter, betas 0.9/0.98,
     * eps 1e-8, the configured weight decay on all of them (biases and layer norms included).
     */
    public static AdamW vifiClip(double weightDecay) {
        return new AdamW(0.9, 0.98, 1e-8, weightDecay);
    }

    /**
     * One step with learning rate {@code lr} for every key of {@code gradients}: {@code parameters.get(key)}
     * is updated in place. Every key is checked before any parameter changes.
     *
     * @throws IllegalArgumentException for a missing parameter, a dtype other than float32 or differing shapes
     */
    public void step(Map<String, INDArray> parameters, Map<String, INDArray> gradients, double lr) {
        long largest = 0;
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            String key = e.getKey();
            INDArray param = parameters.get(key);
            INDArray grad = e.getValue();
            if (param == null) {
                throw new IllegalArgumentException("gradient for '" + key + "' but no such parameter");
            }
            if (param.dataType() != DataType.FLOAT || grad.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("'" + key + "': parameter " + param.dataType() + ", gradient "
                        + grad.dataType() + "; AdamW works in float32");
            }
            if (!Arrays.equals(param.shape(), grad.shape())) {
                throw new IllegalArgumentException("'" + key + "': parameter shape " + Arrays.toString(param.shape())
                        + ", gradient shape " + Arrays.toString(grad.shape()));
            }
            State state = states.get(key);
            if (state != null && !Arrays.equals(state.expAvg().shape(), param.shape())) {
                throw new IllegalArgumentException("'" + key + "': state shape " + Arrays.toString(state.expAvg().shape())
                        + ", parameter shape " + Arrays.toString(param.shape()));
            }
            largest = Math.max(largest, param.length());
        }
        ensureScratch(largest);
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            update(e.getKey(), parameters.get(e.getKey()), e.getValue(), lr);
        }
    }

    private void update(String key, INDArray param, INDArray grad, double lr) {
        State old = states.get(key);
        if (old == null) {
            // torch creates the moments lazily, zero, on the first step
            old = new State(0, Nd4j.zeros(DataType.FLOAT, param.shape()), Nd4j.zeros(DataType.FLOAT, param.shape()));
        }
        long step = old.step() + 1;
        INDArray expAvg = old.expAvg();
        INDArray expAvgSq = old.expAvgSq();
        INDArray tmp = scratchView(key, param);

        // param.mul_(1 - lr * weight_decay): decoupled decay, before the moments (x·1 is exact, so skip it)
        if (lr * weightDecay != 0) {
            param.muli(1 - lr * weightDecay);
        }
        // exp_avg.lerp_(grad, 1 - beta1): torch's lerp takes one of two forms depending on the weight
        float weight = (float) (1 - beta1);
        grad.sub(expAvg, tmp);                              // end - self
        if (weight < 0.5f) {
            expAvg.addi(tmp.muli(weight));                  // self + w·(end - self)
        } else {
            tmp.muli(1f - weight).rsubi(grad);              // end - (end - self)·(1 - w)
            expAvg.assign(tmp);
        }
        // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2): self + (value·g)·g
        grad.mul(1 - beta2, tmp).muli(grad);
        expAvgSq.muli(beta2).addi(tmp);

        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        // denom = (exp_avg_sq.sqrt() / sqrt(bc2)).add_(eps)
        Nd4j.getExecutioner().exec(new Sqrt(expAvgSq, tmp));
        tmp.divi(Math.sqrt(biasCorrection2)).addi(eps);
        // param.addcdiv_(exp_avg, denom, value=-step_size); torch multiplies by the value before dividing,
        // here after (one scratch buffer only): the update may differ in its last bit
        tmp.rdivi(expAvg).muli(-stepSize);
        param.addi(tmp);

        states.put(key, new State(step, expAvg, expAvgSq));
    }

    private void ensureScratch(long length) {
        if (scratch == null || scratch.length() < length) {
            scratch = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, length));
            scratchViews.clear();
        }
    }

    /** The first {@code param.length()} elements of the scratch buffer, shaped as {@code param} (a view). */
    private INDArray scratchView(String key, INDArray param) {
        INDArray view = scratchViews.get(key);
        if (view == null || !Arrays.equals(view.shape(), param.shape())) {
            INDArray flat = param.length() == scratch.length() ? scratch
                    : scratch.get(NDArrayIndex.interval(0, param.length()));
            view = flat.reshape('c', param.shape());
            // a reshape of a contiguous prefix shares the buffer in ND4J; a copy would cost one buffer per key
            if (view.data() != scratch.data() && view.data().originalDataBuffer() != scratch.data()) {
                throw new IllegalStateException("ND4J copied the scratch buffer instead of viewing it");
            }
            scratchViews.put(key, view);
        }
        return view;
    }

    /** Per-key state in the order keys were first stepped or restored; the arrays are the live ones. */
    public Map<String, State> states() {
        return Collections.unmodifiableMap(states);
    }

    /** Sets a key's state (resume from a checkpoint); later steps update these arrays in place. */
    public void restore(String key, State state) {
        if (state.step() < 0 || !Arrays.equals(state.expAvg().shape(), state.expAvgSq().shape())) {
            throw new IllegalArgumentException("'" + key + "': step " + state.step() + ", exp_avg "
                    + Arrays.toString(state.expAvg().shape()) + ", exp_avg_sq " + Arrays.toString(state.expAvgSq().shape()));
        }
        states.put(key, new State(state.step(), float32(state.expAvg()), float32(state.expAvgSq())));
    }

    private static INDArray float32(INDArray a) {
        return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
