package org.vificlip.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixtures README's tolerance for model outputs: max |a−b| ≤ 1e-4 + 1e-3·max|b|. */
public final class FixtureTolerance {
    private FixtureTolerance() {
    }

    /** The tolerance for values whose largest magnitude is {@code scale}. */
    public static double forScale(double scale) {
        return 1e-4 + 1e-3 * scale;
    }

    /**
     * Asserts {@code actual} is within tolerance of {@code expected}, element by element in C order (the
     * element counts must agree; callers that care about the exact shape assert it themselves), prints the
     * measurement and returns the max error.
     */
    public static double assertClose(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length(), what + ": shape " + Arrays.toString(actual.shape())
                + " vs expected " + Arrays.toString(expected.shape()));
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
        double maxError = a.sub(e).amaxNumber().doubleValue();
        double scale = e.amaxNumber().doubleValue();
        double tolerance = forScale(scale);
        System.out.printf("%-60s max|err| %.3e  max|expected| %.3e  tol %.3e%n", what, maxError, scale, tolerance);
        assertTrue(maxError <= tolerance, what + ": max |error| " + maxError + " > tolerance " + tolerance);
        return maxError;
    }
}
