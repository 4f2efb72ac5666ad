package org.vificlip.model;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;
import org.vificlip.testing.ClipFixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backward graph's sums no longer keep their first operand alive. That they still compute the same
 * gradients is {@link ClipModelGradientTest}'s and {@code AdamWParityTest}'s job, against PyTorch.
 */
class BackwardGraphTest {
    @Test
    void noSumGradientReadsAnActivationOperand() throws Exception {
        ClipModel asM21BuildsIt = ClipModel.build(ClipFixtures.baseWeights());
        asM21BuildsIt.sameDiff().createGradFunction();
        SameDiff m21 = asM21BuildsIt.sameDiff().getFunction(Graphs.GRADIENT_FUNCTION);
        long held = sumGradientsReadingAnActivation(m21);
        assertTrue(held > 0, "M2.1's backward graph reads activations in add_bp/sub_bp");

        assertEquals(held, BackwardGraph.releaseFirstOperandsOfSums(m21));
        assertEquals(0, sumGradientsReadingAnActivation(m21));

        ClipModel model = ClipModel.build(ClipFixtures.baseWeights());
        model.prepareGradients();
        assertEquals(0, sumGradientsReadingAnActivation(model.sameDiff().getFunction(Graphs.GRADIENT_FUNCTION)));
    }

    /** add_bp/sub_bp ops whose first operand is an activation (not a parameter, constant or input). */
    private static long sumGradientsReadingAnActivation(SameDiff backward) {
        return backward.getOps().values().stream()
                .filter(op -> op.getOp() instanceof AddBpOp || op.getOp() instanceof SubBpOp)
                .map(SameDiffOp::getInputsToOp)
                .filter(inputs -> backward.getVariable(inputs.get(0)).getVariableType() == VariableType.ARRAY
                        && !inputs.get(0).equals(inputs.get(2)))
                .count();
    }
}
