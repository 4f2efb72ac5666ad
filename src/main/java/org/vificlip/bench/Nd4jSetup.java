package org.vificlip.bench;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J threading knobs, read from system properties so benchmarks (and the CLI, if it calls
 * {@link #apply()} first) can be tuned without code changes:
 * <ul>
 *   <li>{@code vificlip.threads}: compute threads ({@code Environment.setMaxThreads}); by default ND4J
 *       uses {@code OMP_NUM_THREADS}, or all cores</li>
 *   <li>{@code vificlip.elementwiseThreshold}: elements below which an element-wise op runs on one
 *       thread (libnd4j's default is small, so even tiny adds wake every thread)</li>
 *   <li>{@code vificlip.tadThreshold}: the same for reductions along an axis</li>
 *   <li>{@code vificlip.blasThreads}: threads of the bundled OpenBLAS. libnd4j runs a batched matmul
 *       (attention's [N, H, L, L] products) as a parallel loop over the batch that calls OpenBLAS in
 *       each iteration; with OpenBLAS threaded as well, 2 + 2 threads fight over 2 cores and the
 *       attention core runs slower on 2 threads than on 1. 1 avoids that (the large 2-D matmuls run
 *       through oneDNN in the -onednn builds and keep all threads).</li>
 * </ul>
 */
public final class Nd4jSetup {
    private Nd4jSetup() {
    }

    public static void apply() {
        Environment env = Nd4j.getEnvironment();
        Integer threads = Integer.getInteger("vificlip.threads");
        if (threads != null) {
            env.setMaxThreads(threads);
            env.setMaxMasterThreads(threads);
        }
        Integer elementwise = Integer.getInteger("vificlip.elementwiseThreshold");
        if (elementwise != null) {
            env.setElementwiseThreshold(elementwise);
        }
        Integer blas = Integer.getInteger("vificlip.blasThreads");
        if (blas != null) {
            Nd4j.factory().blas().setMaxThreads(blas);
        }
        Integer tad = Integer.getInteger("vificlip.tadThreshold");
        if (tad != null) {
            env.setTadThreshold(tad);
        }
    }

    /** The current settings, for benchmark reports. */
    public static String describe() {
        Environment env = Nd4j.getEnvironment();
        return "maxThreads=" + env.maxThreads() + " maxMasterThreads=" + env.maxMasterThreads()
                + " elementwiseThreshold=" + env.elementwiseThreshold() + " tadThreshold=" + env.tadThreshold()
                + " blasThreads=" + Nd4j.factory().blas().getMaxThreads();
    }
}
