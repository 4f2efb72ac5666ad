package org.vificlip.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELUDerivative;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The QuickGELU's gradient (oneDNN's swish backward, and without oneDNN {@link BackwardGraph}'s formula) against PyTorch's autograd of
 * {@code x·sigmoid(1.702x)}, {@code s + t·s·(1 − s)}, computed here in double, from x = −60 to 60: M2.1's own
 * {@code gelu} derivative, {@code e^t(1 + e^t + t)/(1 + e^t)²} in float32, is inf/inf = NaN once
 * {@code e^t} passes 1.8e19 (x above 26.1), one reason the model does not use it.
 */
class QuickGeluGradientTest {
    /** The 1.702 of PyTorch's x·sigmoid(1.702x), written out rather than read from {@link QuickGelu}. */
    private static final double SIGMOID_SCALE = 1.702;
    private static final float[] X = {-60f, -26.5f, -3f, -0.5f, 0f, 0.5f, 3f, 26.5f, 30f, 60f};

    @ParameterizedTest(name = "oneDNN: {0}")
    @ValueSource(booleans = {true, false})
    void gradientIsPyTorchsEvenForLargeInputs(boolean oneDnn) {
        System.setProperty("vificlip.onednn", String.valueOf(oneDnn));
        try {
            assertGradientIsPyTorchs();
        } finally {
            System.clearProperty("vificlip.onednn");
        }
    }

    private static void assertGradientIsPyTorchs() {
        SameDiff sd = Graphs.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(X));
        SDVariable loss = QuickGelu.forward(sd, x).sum().rename("loss");
        sd.setLossVariables(loss);
        BackwardGraph.build(sd);
        INDArray gradient = Graphs.gradientsAndOutputs(sd, new BufferPool(), Map.of(), List.of("loss"), List.of("x"))
                .getGradients().get("x");
        for (int i = 0; i < X.length; i++) {
            double t = SIGMOID_SCALE * X[i];
            double s = 1 / (1 + Math.exp(-t));
            assertEquals(s + t * s * (1 - s), gradient.getDouble(i), 1e-6, "x = " + X[i]);
        }
    }

    @Test
    void m21sOwnDerivativeIsStillNaNAboveTwentySix() {
        INDArray x = Nd4j.createFromArray(26.5f, 30f);
        INDArray derivative = x.like();
        Nd4j.exec(new GELUDerivative(x, derivative));
        assertTrue(Double.isNaN(derivative.getDouble(0)) && Double.isNaN(derivative.getDouble(1)),
                "ND4J's _geluderivative is finite above 26 now: see QuickGelu's reasons for not using gelu");
    }
}
