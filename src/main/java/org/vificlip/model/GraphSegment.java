package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.MemoryReclaimer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of the model (a tower's embedding, one residual block, the head) as a graph of its own, for
 * {@link BlockwiseBackward}. It shares the model's parameter arrays, runs forward without keeping
 * anything, and computes its vector-Jacobian product: the gradients of {@code sum(output · upstream)}
 * for its trainable parameters and for the inputs named differentiable, where {@code upstream} is the
 * gradient of the loss with respect to the segment's output. Only one segment's activations are alive
 * at a time.
 */
final class GraphSegment {
    /** The placeholder of the upstream gradient, shaped as the output. */
    static final String UPSTREAM = "upstream";
    private static final String VJP = "vjp";
    /** Shared by all segments: one step runs a few dozen of them. */
    private static final MemoryReclaimer RECLAIMER = new MemoryReclaimer(Long.getLong("vificlip.gcIntervalMs", 2000));

    private final SameDiff sd;
    private final String output;
    /** The trainable parameters this segment's ops read, then its differentiable inputs. */
    private final List<String> gradientTargets;
    private final List<String> parameters;
    private final List<String> differentiableInputs;

    private GraphSegment(SameDiff sd, String output, List<String> parameters, List<String> differentiableInputs) {
        this.sd = sd;
        this.differentiableInputs = differentiableInputs;
        this.output = output;
        this.parameters = parameters;
        this.gradientTargets = new ArrayList<>(parameters);
        this.gradientTargets.addAll(differentiableInputs);
    }

    /**
     * A segment whose output feeds further segments: the loss of its graph is the dot product of the
     * output with the {@link #UPSTREAM} placeholder.
     */
    static GraphSegment vectorJacobian(SameDiff sd, SDVariable output, int outputRank, String... differentiableInputs) {
        long[] anyShape = new long[outputRank];
        Arrays.fill(anyShape, -1);
        SDVariable upstream = sd.placeHolder(UPSTREAM, output.dataType(), anyShape);
        output.mul(upstream).sum().rename(VJP);
        return withLoss(sd, output.name(), VJP, differentiableInputs);
    }

    /** A segment whose output is the scalar loss itself (the model's head). */
    static GraphSegment scalarLoss(SameDiff sd, SDVariable loss, String... differentiableInputs) {
        return withLoss(sd, loss.name(), loss.name(), differentiableInputs);
    }

    private static GraphSegment withLoss(SameDiff sd, String output, String loss, String... differentiableInputs) {
        sd.setLossVariables(loss);
        List<String> used = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            List<String> readers = sd.getVariables().get(v.name()).getInputsForOp();
            if (v.getVariableType() == VariableType.VARIABLE && readers != null && !readers.isEmpty()) {
                used.add(v.name());
            }
        }
        return new GraphSegment(sd, output, List.copyOf(used), List.of(differentiableInputs));
    }

    /** The trainable parameters whose gradients {@link #backward} returns. */
    List<String> parameters() {
        return parameters;
    }

    /** The output only; nothing of the run is kept. {@code arrays}: see {@link BufferPool}. */
    INDArray forward(SessionMemMgr arrays, Map<String, INDArray> inputs) {
        try {
            return Graphs.output(sd, arrays, inputs, output).get(output);
        } finally {
            reclaimNativeMemory();
        }
    }

    /**
     * Re-runs the forward pass and back-propagates {@code upstream} (null for a {@link #scalarLoss}
     * segment) through it.
     *
     * @param outputs outputs of the forward pass to return as well
     * @return the gradients of the parameters and differentiable inputs, and the requested outputs
     */
    OutAndGrad backward(SessionMemMgr arrays, Map<String, INDArray> inputs, INDArray upstream, List<String> outputs) {
        Map<String, INDArray> feed = inputs;
        if (upstream != null) {
            feed = new HashMap<>(inputs);
            feed.put(UPSTREAM, upstream);
        }
        if (sd.getFunction(Graphs.GRADIENT_FUNCTION) == null) {
            // built on first use: a frozen segment (no trainable parameter) is never differentiated,
            // and M2.1 refuses to build a backward graph for it
            BackwardGraph.build(sd, differentiableInputs.toArray(String[]::new));
        }
        try {
            return Graphs.gradientsAndOutputs(sd, arrays, feed, outputs, gradientTargets);
        } finally {
            reclaimNativeMemory();
        }
    }

    /**
     * Gives the memory of the segments run so far back, with a collection at most every 2 s. ND4J frees
     * an array's native memory when the garbage collector finds it unreachable, and a step is a few dozen
     * segment runs whose leftover arrays (those that do not go back to the {@link BufferPool}: outputs,
     * gradients) are only a little heap: the collector would let several steps' worth pile up. ViT-B/16,
     * B=1, T=8, 4 steps: every 500 ms 11.8 s/step and 2.81 GB peak, every 2 s 9.4 s and 2.65 GB, never
     * 10.2 s and 2.97 GB (B=2, T=8, 101 prompts: 500 ms 23.0 s and 2.98 GB, 2 s 21.6 s and 3.18 GB). Before
     * {@link BufferPool} far more was left to the collector and 500 ms was best (2.9 GB, 5.8 GB without).
     */
    private static void reclaimNativeMemory() {
        RECLAIMER.afterStep();
    }
}
