package org.vificlip.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.model.Nd4jSetup;

/**
 * The fastest single matrix products this machine gives ND4J, on the shapes of CLIP's image encoders
 * (ViT-B/16 and ViT-B/32 on 8 frames) and one large square, for {@code benchmarks/clip/run.sh --gemm-ceiling}:
 * the ceiling under any whole-model ratio. Each shape through libnd4j's {@code matmul} op (what SameDiff
 * runs; oneDNN in the default build), best of 5 rounds of 10 products after 3 warm-ups, in GFLOP/s
 * (multiply-add = 2). Threads: {@code OMP_NUM_THREADS}.
 */
public final class GemmCeiling {
    /** rows × inner × columns: ViT-B/16 rows 8·197, ViT-B/32 rows 8·50; MLP up, MLP down, q/k/v. */
    static final long[][] SHAPES = {
            {1576, 768, 3072}, {1576, 3072, 768}, {1576, 768, 2304},
            {400, 768, 3072}, {400, 3072, 768}, {400, 768, 2304},
            {4096, 4096, 4096}};

    public static void main(String[] args) {
        Nd4jSetup.applyOnce();
        for (long[] s : SHAPES) {
            INDArray a = Nd4j.randn(DataType.FLOAT, s[0], s[1]);
            INDArray b = Nd4j.randn(DataType.FLOAT, s[1], s[2]);
            INDArray c = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            int reps = s[0] >= 4096 ? 2 : 10;
            for (int i = 0; i < 3; i++) {
                Nd4j.exec(new Mmul(a, b, c, null));
            }
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    Nd4j.exec(new Mmul(a, b, c, null));
                }
                best = Math.min(best, (System.nanoTime() - t) / 1e9 / reps);
            }
            System.out.printf("nd4j   [%d,%d]x[%d,%d] %7.1f GFLOP/s%n", s[0], s[1], s[1], s[2],
                    2.0 * s[0] * s[1] * s[2] / best / 1e9);
        }
    }
}
