package org.vificlip.model;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.vificlip.model.OneDnn.Operand;

import java.util.Arrays;

/**
 * Batched matrix products (operands of rank 3 and more: attention's scores and weighted values, forward
 * and backward) through oneDNN's matmul primitive, from JavaCPP's dnnl preset.
 * <p>
 * Why: M2.1 multiplies rank-3 and rank-4 arrays as a loop of small products (libnd4j's
 * {@code MmulHelper::mmulNxN}); its own oneDNN helper takes rank 2 only. On attention's shapes (ViT-B/16,
 * 8 frames: [8, 12, 197, 64] × [8, 12, 64, 197]) that runs at 25-55 GFLOP/s on this machine's 2 cores,
 * oneDNN's batched kernel ({@code brg:avx512_core}) at 80-145 (benchmarks/train/README.md).
 * <p>
 * An operand is its buffer, shape and strides, so a transposed operand is the same buffer with its last
 * two strides swapped: no copies. Only float32 products of equal batch dimensions are taken; anything else,
 * or oneDNN switched off ({@link OneDnn#available}), leaves the op to ND4J.
 */
final class OneDnnProducts {
    private OneDnnProducts() {
    }

    /**
     * Runs {@code op} into its context's output arrays if it is a batched product this class takes.
     *
     * @return false if the op is left to ND4J
     */
    static boolean tryRun(DifferentialFunction op, OpContext context) {
        // the op's class first: the switch is a system property, and the session asks for every op
        if (op.getClass() == Mmul.class) {
            return OneDnn.available() && forward((DynamicCustomOp) op, context);
        }
        if (op.getClass() == MmulBp.class) {
            return OneDnn.available() && backward((DynamicCustomOp) op, context);
        }
        return false;
    }

    /** z = op(x)·op(y), or its transpose; op transposes where the op's flags say so. */
    private static boolean forward(DynamicCustomOp op, OpContext context) {
        INDArray x = context.getInputArray(0), y = context.getInputArray(1), z = context.getOutputArray(0);
        if (!unitScale(op) || !batched(x, y, z)) {
            return false;
        }
        // With the result transposed, z is (a·b)ᵀ: a·b is written into zᵀ.
        return product(Operand.of(x, flag(op, 0)), Operand.of(y, flag(op, 1)), Operand.of(z, flag(op, 2)));
    }

    /** For z = a·b with a = op(x), b = op(y): dL/da = g·bᵀ and dL/db = aᵀ·g, g = dL/dz (transposed back). */
    private static boolean backward(DynamicCustomOp op, OpContext context) {
        INDArray x = context.getInputArray(0), y = context.getInputArray(1), dz = context.getInputArray(2);
        INDArray dx = context.getOutputArray(0), dy = context.getOutputArray(1);
        if (!batched(x, y, dz, dx, dy)) {
            return false;
        }
        boolean tx = flag(op, 0), ty = flag(op, 1);
        Operand a = Operand.of(x, tx), b = Operand.of(y, ty), g = Operand.of(dz, flag(op, 2));
        // dL/dx is (dL/da)ᵀ when x enters transposed: dL/da is written into dxᵀ, and so on.
        return product(g, b.transposed(), Operand.of(dx, tx)) && product(a.transposed(), g, Operand.of(dy, ty));
    }

    /** The op's i-th integer argument as a flag; M2.1 leaves trailing false flags out. */
    private static boolean flag(DynamicCustomOp op, int i) {
        long[] flags = op.iArgs();
        return flags != null && flags.length > i && flags[i] != 0;
    }

    /** Mmul's alpha and beta, where given, are 1 and 0 (ours always are). */
    private static boolean unitScale(DynamicCustomOp op) {
        double[] scale = op.tArgs();
        return scale == null || scale.length == 0 || (scale[0] == 1.0 && (scale.length < 2 || scale[1] == 0.0));
    }

    /** float32, rank ≥ 3, the same batch dimensions (all but the last two) in every array. */
    private static boolean batched(INDArray... arrays) {
        INDArray first = arrays[0];
        int rank = first.rank();
        if (rank < 3) {
            return false;
        }
        long[] batch = Arrays.copyOf(first.shape(), rank - 2);
        for (INDArray array : arrays) {
            if (array == null || array.dataType() != DataType.FLOAT || array.rank() != rank
                    || !Arrays.equals(batch, Arrays.copyOf(array.shape(), rank - 2))) {
                return false;
            }
        }
        return true;
    }

    /**
     * c = a·b. oneDNN's kernels write rows, so a c seen transposed (a gradient written into dxᵀ) is
     * computed as cᵀ = bᵀ·aᵀ instead.
     *
     * @return false if oneDNN has no kernel for these operands
     */
    private static boolean product(Operand a, Operand b, Operand c) {
        return c.rowsContiguous()
                ? OneDnn.product(a, b, c, 1f)
                : OneDnn.product(b.transposed(), a.transposed(), c.transposed(), 1f);
    }
}
