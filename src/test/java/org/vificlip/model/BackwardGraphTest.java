package org.vificlip.model;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.DivBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;
import org.vificlip.testing.ClipFixtures;

import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After {@link BackwardGraph#trim}, no gradient op reads a forward activation it needs only for its shape,
 * no {@code softmax_bp} keeps the attention scores, no {@code add_bp}/{@code mul_bp} reduces a bias's or
 * gain's gradient (M2.1's broadcast reductions are slow), every LayerNorm's input gradient is one formula
 * instead of M2.1's chain, and so is every QuickGELU's (no {@code sigmoid_bp} computing the sigmoid again).
 * That the trimmed graph computes the same gradients is {@link ClipModelGradientTest}'s and
 * {@code AdamWParityTest}'s job, against PyTorch. These are M2.1's ops, which the model uses where oneDNN is
 * not available.
 */
class BackwardGraphTest {
    @Test
    void gradientOpsNoLongerReadActivationsForTheirShape() throws Exception {
        ClipModel model = withoutOneDnn();
        SameDiff forward = model.sameDiff();
        forward.createGradFunction();                  // as M2.1 builds it
        SameDiff backward = forward.getFunction(Graphs.GRADIENT_FUNCTION);
        int blocks = model.config().visionLayers() + model.config().textLayers();
        int layerNorms = 2 * blocks + 3;               // two per block, ln_pre, ln_post, ln_final
        int residualSums = 2 * blocks;

        long firstOperands = operandReads(forward, backward, 0);
        long secondOperands = operandReads(forward, backward, 1);
        long softmaxes = count(backward, op -> op.getOp() instanceof SoftmaxBp);
        long sigmoidGradients = count(backward, op -> op.getOp() instanceof SigmoidDerivative);
        long divisions = count(backward, op -> op.getOp() instanceof DivBpOp);
        long differences = count(backward, op -> op.getOp() instanceof SubBpOp);
        assertEquals(blocks, sigmoidGradients, "M2.1's backward graph: one sigmoid_bp per MLP's QuickGELU");
        long parameterSums = count(backward, op -> (op.getOp() instanceof AddBpOp || op.getOp() instanceof MulBpOp)
                && broadcastParameter(backward, op.getInputsToOp().get(1)));
        assertTrue(parameterSums >= 2L * layerNorms, "M2.1's backward graph: " + parameterSums
                + " add_bp/mul_bp of biases and gains");
        assertTrue(firstOperands > 0 && secondOperands >= residualSums && softmaxes > 0,
                "M2.1's backward graph: " + firstOperands + " first and " + secondOperands + " second sum operands, "
                        + softmaxes + " softmax_bp");
        assertTrue(divisions >= layerNorms && differences >= layerNorms,
                "M2.1's backward graph: " + divisions + " divide_bp, " + differences + " subtract_bp");

        assertEquals(firstOperands + residualSums + softmaxes + parameterSums + layerNorms + blocks,
                BackwardGraph.trim(backward));
        assertEquals(0, operandReads(forward, backward, 0));
        assertEquals(secondOperands - residualSums - layerNorms, operandReads(forward, backward, 1),
                "residual sums, and the LayerNorms' subtract_bp (x − mean) gone");
        assertEquals(divisions - layerNorms, count(backward, op -> op.getOp() instanceof DivBpOp), "LayerNorms' divide_bp");
        assertEquals(differences - layerNorms, count(backward, op -> op.getOp() instanceof SubBpOp), "LayerNorms' subtract_bp");
        assertEquals(0, count(backward, op -> op.getOp() instanceof SoftmaxBp));
        assertEquals(0, count(backward, op -> op.getOp() instanceof SigmoidDerivative), "QuickGELUs' sigmoid_bp");
        assertEquals(0, count(backward, op -> (op.getOp() instanceof AddBpOp || op.getOp() instanceof MulBpOp)
                && broadcastParameter(backward, op.getInputsToOp().get(1))), "parameters' sums and products");
    }

    /**
     * The model as built from M2.1's own ops: with oneDNN, attention, LayerNorm and QuickGELU are ops of ours
     * ({@link OneDnnOp}) with their own backward ops, and these rewrites have nothing to do there.
     */
    private static ClipModel withoutOneDnn() throws Exception {
        System.setProperty("vificlip.onednn", "false");
        try {
            return ClipModel.build(ClipFixtures.baseWeights());
        } finally {
            System.clearProperty("vificlip.onednn");
        }
    }

    private static boolean broadcastParameter(SameDiff graph, String name) {
        return BackwardGraph.isBroadcastParameter(graph.getVariable(name));
    }

    /** add_bp/sub_bp ops whose operand {@code index} (0 or 1) is an activation of the forward pass. */
    private static long operandReads(SameDiff forward, SameDiff backward, int index) {
        return count(backward, op -> (op.getOp() instanceof AddBpOp || op.getOp() instanceof SubBpOp)
                && isForwardActivation(forward, op.getInputsToOp().get(index)));
    }

    private static boolean isForwardActivation(SameDiff forward, String name) {
        return forward.hasVariable(name) && forward.getVariable(name).getVariableType() == VariableType.ARRAY;
    }

    private static long count(SameDiff graph, Predicate<SameDiffOp> which) {
        return graph.getOps().values().stream().filter(which).count();
    }
}
