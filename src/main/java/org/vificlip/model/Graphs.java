package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where the model's SameDiff graphs come from, and how their gradients are computed. */
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

    /**
     * What {@code sd.calculateGradientsAndOutputs(placeholders, outputs, gradientTargets)} returns, computed
     * so that each intermediate array is freed as soon as the last op that reads it has run.
     * <p>
     * M2.1's {@code calculateGradientsAndOutputs} switches the backward graph's {@code enableCache} off, and
     * its {@code InferenceSession} frees an op's inputs only while that flag is on: every forward and
     * backward array of the step stayed allocated until the step ended. ViT-B/16, B=1, T=8, 10 prompts:
     * 8.27 GB of arrays at the step's peak, 2.55 GB this way, bit-identical gradients. The backward graph
     * is run here as the plain output query it is (its outputs: the requested outputs and the gradients'
     * variables), which leaves the flag on.
     */
    static OutAndGrad gradientsAndOutputs(SameDiff sd, Map<String, INDArray> placeholders,
                                          Collection<String> outputs, Collection<String> gradientTargets) {
        SameDiff backward = sd.getFunction(GRADIENT_FUNCTION);
        List<String> wanted = new ArrayList<>(outputs);
        Map<String, String> gradientNames = new HashMap<>();
        for (String target : gradientTargets) {
            SDVariable gradient = sd.getVariable(target).getGradient();
            if (gradient != null) {
                gradientNames.put(target, gradient.name());
                wanted.add(gradient.name());
            }
        }
        backward.setEnableCache(true);
        Map<String, INDArray> computed = backward.output(placeholders, wanted.toArray(String[]::new));
        Map<String, INDArray> outputArrays = new HashMap<>();
        outputs.forEach(name -> outputArrays.put(name, computed.get(name)));
        Map<String, INDArray> gradients = new HashMap<>();
        gradientNames.forEach((target, name) -> gradients.put(target, computed.get(name)));
        return new OutAndGrad(outputArrays, gradients);
    }
}
