package org.vificlip.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a graph's backward graph ({@link Graphs#GRADIENT_FUNCTION}) and trims what it keeps alive.
 * <p>
 * M2.1 differentiates {@code z = x + y} into {@code add_bp(x, y, dz)} (and {@code x - y} into
 * {@code sub_bp}), and reads {@code x} there only for its shape: the gradient of a sum is {@code dz},
 * summed over the axes {@code x} was broadcast along. Yet taking {@code x} as an input keeps it allocated
 * from the forward pass until that backward op has run. In the model the first operand of every addition
 * and subtraction is a full-size activation (a matmul's output before its bias, a LayerNorm's
 * {@code normed × gain}, the residual stream, the attention scores before the mask) that nothing else
 * needs in the backward pass, so the backward graph held ViT-B/16's largest activations for nothing.
 * <p>
 * {@link #build} therefore rewires each such op's first operand to {@code dz}, which has the first
 * operand's shape whenever that operand is not broadcast: the op computes the same gradients and the
 * activation goes back to the session's memory manager once the forward ops that read it have run.
 * This rests on the model's rule that the first operand of an {@code add} or {@code sub} is never the
 * broadcast one ({@code x.add(bias)}, never {@code bias.add(x)}); the gradient parity tests against
 * PyTorch check every graph the model builds.
 */
final class BackwardGraph {
    private BackwardGraph() {
    }

    /**
     * Builds {@code sd}'s backward graph, with gradients also for the named placeholders, and rewires the
     * sums' gradients as the class comment explains. M2.1 prints a line per differentiated op to standard
     * output while building; that is silenced here.
     */
    static void build(SameDiff sd, String... placeholdersNeedingGradients) {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction(placeholdersNeedingGradients);
        } finally {
            System.setOut(stdout);
        }
        releaseFirstOperandsOfSums(sd.getFunction(Graphs.GRADIENT_FUNCTION));
    }

    /** @return how many {@code add_bp}/{@code sub_bp} ops now read their upstream gradient in place of their first operand */
    static int releaseFirstOperandsOfSums(SameDiff backward) {
        int rewired = 0;
        for (SameDiffOp op : backward.getOps().values()) {
            DifferentialFunction function = op.getOp();
            if (!(function instanceof AddBpOp || function instanceof SubBpOp)) {
                continue;
            }
            List<String> inputs = op.getInputsToOp();              // [x, y, dz]
            String operand = inputs.get(0);
            String upstream = inputs.get(2);
            if (backward.getVariable(operand).getVariableType() != VariableType.ARRAY) {
                continue;   // a parameter or input is held anyway
            }
            List<String> rewiredInputs = new ArrayList<>(inputs);
            rewiredInputs.set(0, upstream);
            op.setInputsToOp(rewiredInputs);
            if (!rewiredInputs.contains(operand)) {
                backward.getVariables().get(operand).getInputsForOp().remove(op.getName());
            }
            rewired++;
        }
        return rewired;
    }
}
