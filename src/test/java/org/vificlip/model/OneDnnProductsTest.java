package org.vificlip.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OneDnnProducts} against products computed here in double precision by the definition (three nested
 * loops): forward with every transpose flag, the backward op's two gradients, and operands that are views
 * (an offset into a larger buffer, permuted strides), which reach oneDNN as addresses and strides.
 */
class OneDnnProductsTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void forwardMatchesTheDefinitionForEveryTransposeFlag() {
        for (int flags = 0; flags < 8; flags++) {
            boolean tx = (flags & 1) != 0, ty = (flags & 2) != 0, tz = (flags & 4) != 0;
            INDArray x = random(tx ? new long[]{2, 3, 4, 5} : new long[]{2, 3, 5, 4});
            INDArray y = random(ty ? new long[]{2, 3, 6, 4} : new long[]{2, 3, 4, 6});
            INDArray z = Nd4j.create(DataType.FLOAT, tz ? new long[]{2, 3, 6, 5} : new long[]{2, 3, 5, 6});
            run(new Mmul(x, y, z, 1.0, 0.0, transpose(tx, ty, tz)), new INDArray[]{x, y}, new INDArray[]{z});
            double[][][] expected = product(matrices(x, tx), matrices(y, ty));
            assertClose(expected, matrices(z, tz), "flags tx=" + tx + " ty=" + ty + " tz=" + tz);
        }
    }

    @Test
    void backwardGivesBothGradientsForEveryTransposeFlag() {
        for (int flags = 0; flags < 4; flags++) {
            boolean tx = (flags & 1) != 0, ty = (flags & 2) != 0;
            INDArray x = random(tx ? new long[]{6, 4, 5} : new long[]{6, 5, 4});
            INDArray y = random(ty ? new long[]{6, 7, 4} : new long[]{6, 4, 7});
            INDArray g = random(6, 5, 7);
            INDArray dx = Nd4j.create(DataType.FLOAT, x.shape()), dy = Nd4j.create(DataType.FLOAT, y.shape());
            run(new MmulBp(x, y, g, dx, dy, transpose(tx, ty, false)), new INDArray[]{x, y, g}, new INDArray[]{dx, dy});
            double[][][] a = matrices(x, tx), b = matrices(y, ty), dz = matrices(g, false);
            assertClose(product(dz, transposed(b)), matrices(dx, tx), "dL/dx, tx=" + tx + " ty=" + ty);
            assertClose(product(transposed(a), dz), matrices(dy, ty), "dL/dy, tx=" + tx + " ty=" + ty);
        }
    }

    @Test
    void viewsAreReadAtTheirOffsetAndStrides() {
        INDArray larger = random(3, 4, 5, 8);
        INDArray x = larger.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, 6));
        INDArray y = random(2, 4, 6, 4).permute(0, 1, 3, 2);         // [2, 4, 4, 6], strides of a transpose
        assertTrue(x.offset() > 0);
        INDArray z = Nd4j.create(DataType.FLOAT, 2, 4, 5, 6);
        run(new Mmul(x, y, z, 1.0, 0.0, transpose(false, false, false)), new INDArray[]{x, y}, new INDArray[]{z});
        assertClose(product(matrices(x, false), matrices(y, false)), matrices(z, false), "views");
    }

    @Test
    void leavesMatricesAndOtherTypesToNd4j() {
        INDArray x = random(5, 4), y = random(4, 3);
        assertFalse(OneDnnProducts.tryRun(new Mmul(x, y, Nd4j.create(DataType.FLOAT, 5, 3), 1.0, 0.0, transpose(false, false, false)),
                context(new INDArray[]{x, y}, new INDArray[]{Nd4j.create(DataType.FLOAT, 5, 3)})));
        INDArray xd = Nd4j.rand(DataType.DOUBLE, 2, 5, 4), yd = Nd4j.rand(DataType.DOUBLE, 2, 4, 3);
        INDArray zd = Nd4j.create(DataType.DOUBLE, 2, 5, 3);
        assertFalse(OneDnnProducts.tryRun(new Mmul(xd, yd, zd, 1.0, 0.0, transpose(false, false, false)),
                context(new INDArray[]{xd, yd}, new INDArray[]{zd})));
    }

    private static void run(DynamicCustomOp op, INDArray[] inputs, INDArray[] outputs) {
        assertTrue(OneDnn.available(), "oneDNN is on the class path for linux-x86_64 and must load");
        assertTrue(OneDnnProducts.tryRun(op, context(inputs, outputs)), op.opName() + " should run through oneDNN");
    }

    private static OpContext context(INDArray[] inputs, INDArray[] outputs) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(inputs);
        context.setOutputArrays(outputs);
        return context;
    }

    private static MMulTranspose transpose(boolean x, boolean y, boolean z) {
        return MMulTranspose.builder().transposeA(x).transposeB(y).transposeResult(z).build();
    }

    private static INDArray random(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    /** The array's matrices in double, flattened over the batch dimensions, each transposed if asked. */
    private static double[][][] matrices(INDArray array, boolean transposed) {
        long[] shape = array.shape();
        int rows = (int) shape[shape.length - 2], columns = (int) shape[shape.length - 1];
        INDArray stack = array.dup('c').reshape(-1, rows, columns);
        double[][][] out = new double[(int) stack.size(0)][][];
        for (int n = 0; n < out.length; n++) {
            double[][] m = new double[rows][columns];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    m[i][j] = stack.getDouble(n, i, j);
                }
            }
            out[n] = transposed ? transposed(new double[][][]{m})[0] : m;
        }
        return out;
    }

    private static double[][][] transposed(double[][][] stack) {
        double[][][] out = new double[stack.length][][];
        for (int n = 0; n < stack.length; n++) {
            double[][] m = stack[n];
            out[n] = new double[m[0].length][m.length];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m[0].length; j++) {
                    out[n][j][i] = m[i][j];
                }
            }
        }
        return out;
    }

    private static double[][][] product(double[][][] a, double[][][] b) {
        double[][][] out = new double[a.length][a[0].length][b[0][0].length];
        for (int n = 0; n < a.length; n++) {
            for (int i = 0; i < a[n].length; i++) {
                for (int j = 0; j < b[n][0].length; j++) {
                    double sum = 0;
                    for (int k = 0; k < b[n].length; k++) {
                        sum += a[n][i][k] * b[n][k][j];
                    }
                    out[n][i][j] = sum;
                }
            }
        }
        return out;
    }

    private static void assertClose(double[][][] expected, double[][][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": batch");
        for (int n = 0; n < expected.length; n++) {
            assertEquals(expected[n].length, actual[n].length, what + ": rows");
            for (int i = 0; i < expected[n].length; i++) {
                for (int j = 0; j < expected[n][i].length; j++) {
                    assertEquals(expected[n][i][j], actual[n][i][j], TOLERANCE, what + " at " + n + "," + i + "," + j);
                }
            }
        }
    }
}
