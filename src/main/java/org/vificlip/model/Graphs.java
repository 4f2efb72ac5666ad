package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where the model's SameDiff graphs come from, and how training runs them. */
final class Graphs {
    /** SameDiff's name for the backward graph ({@code SameDiff.GRAD_FN_KEY}). */
    static final String GRADIENT_FUNCTION = "grad";

    private Graphs() {
    }

    /**
     * An empty graph whose variables and constants are held as given. SameDiff's default holder
     * ({@code ThreadSafeArrayHolder}, one copy per device) keeps a duplicate of every array it is given
     * ({@code DeviceLocalNDArray.broadcast} stores {@code array.dup()} for devices that have none yet): a
     * second copy of the weights in every graph, 600 MB for ViT-B/16, and the parameters could not be
     * shared between the graphs of {@link BlockwiseBackward}. Our graphs are run from one thread at a time.
     */
    static SameDiff create() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        return sd;
    }

    /** {@code sd.output}, taking its arrays from {@code arrays} and keeping no session afterwards. */
    static Map<String, INDArray> output(SameDiff sd, SessionMemMgr arrays, Map<String, INDArray> placeholders,
                                        String... outputs) {
        startSession(sd, arrays);
        try {
            return sd.output(placeholders, outputs);
        } finally {
            sd.getSessions().clear();
        }
    }

    /**
     * What {@code sd.calculateGradientsAndOutputs(placeholders, outputs, gradientTargets)} returns, computed
     * so that each intermediate array goes back to {@code arrays} as soon as the last op that reads it has
     * run. {@code sd}'s backward graph must exist.
     * <p>
     * M2.1's {@code calculateGradientsAndOutputs} switches the backward graph's {@code enableCache} off, and
     * its {@code InferenceSession} releases an op's inputs only while that flag is on: every forward and
     * backward array of the step stayed allocated until the step ended. ViT-B/16, B=1, T=8, 10 prompts:
     * 8.27 GB of arrays at the step's peak, 2.55 GB this way, bit-identical gradients. Here the backward
     * graph is run as the plain output query it is (its outputs: the requested outputs and the gradients'
     * variables), with the flag on.
     */
    static OutAndGrad gradientsAndOutputs(SameDiff sd, SessionMemMgr arrays, Map<String, INDArray> placeholders,
                                          Collection<String> outputs, Collection<String> gradientTargets) {
        List<String> wanted = new ArrayList<>(outputs);
        Map<String, String> gradientNames = new HashMap<>();
        for (String target : gradientTargets) {
            SDVariable gradient = sd.getVariable(target).getGradient();
            if (gradient != null) {
                gradientNames.put(target, gradient.name());
                wanted.add(gradient.name());
            }
        }
        SameDiff backward = sd.getFunction(GRADIENT_FUNCTION);
        backward.setEnableCache(true);
        backward.setListeners(sd.getListeners());   // as calculateGradientsAndOutputs does: sd's listeners see the step
        Map<String, INDArray> computed = output(backward, arrays, placeholders, wanted.toArray(String[]::new));
        Map<String, INDArray> outputArrays = new HashMap<>();
        outputs.forEach(name -> outputArrays.put(name, computed.get(name)));
        Map<String, INDArray> gradients = new HashMap<>();
        gradientNames.forEach((target, name) -> gradients.put(target, inShapeOf(sd.getVariable(target), computed.get(name))));
        return new OutAndGrad(outputArrays, gradients);
    }

    /**
     * {@code gradient} in {@code target}'s shape if that is fixed: a parameter's gradient computed as column
     * sums comes out [size, 1] ({@code BackwardGraph}). Reshaped in the graph that is a copy; here it is the
     * same buffer under an array of its own, which {@code close()} frees as it would the original (a view's
     * {@code close()} would not).
     */
    private static INDArray inShapeOf(SDVariable target, INDArray gradient) {
        long[] shape = target.getShape();
        boolean fixed = shape != null && Arrays.stream(shape).allMatch(size -> size > 0);
        if (!fixed || Arrays.equals(shape, gradient.shape())) {
            return gradient;
        }
        boolean wholeBuffer = !gradient.isView() && gradient.ordering() == 'c' && gradient.offset() == 0
                && gradient.data().length() == gradient.length();
        return wholeBuffer
                ? Nd4j.create(gradient.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', gradient.dataType())
                : gradient.reshape('c', shape);
    }

    /**
     * Makes this thread's session of {@code sd} ours ({@link OneDnnSession}), for {@code sd.output}: SameDiff
     * makes a session of its own as soon as an array is set while the graph is built, and would run our ops
     * with it. M2.1 keeps the session, with its own array cache, between runs (what inference did before).
     * Per graph rather than through SameDiff's global session factory, which another copy of these classes
     * in the same JVM (benchmarks/train/ab.sh) would overwrite.
     */
    static void useOwnSession(SameDiff sd) {
        sd.getSessions().compute(Thread.currentThread().getId(),
                (thread, session) -> session instanceof OneDnnSession ? session : new OneDnnSession(sd));
    }

    /**
     * A new session for this thread's next run of {@code sd}. M2.1's session keeps every op's output of its
     * last run referenced (node outputs, op contexts) until the next run overwrites them, so a kept session
     * held the previous step's activations and gradients on top of the current one's (ViT-B/16, B=1, T=8,
     * 10 prompts: 17.3 instead of 9.6 GB resident, 16 instead of 8 s per step); callers drop it after the run.
     */
    private static void startSession(SameDiff sd, SessionMemMgr arrays) {
        InferenceSession session = new OneDnnSession(sd);
        session.setMmgr(arrays);
        sd.getSessions().put(Thread.currentThread().getId(), session);
    }
}
