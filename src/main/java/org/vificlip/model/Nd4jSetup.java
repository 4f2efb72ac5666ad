package org.vificlip.model;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J threading knobs, applied once before the first model is built ({@link ClipModel#build}), read from
 * system properties so they can be tuned without code changes:
 * <ul>
 *   <li>{@code vificlip.threads}: compute threads ({@code Environment.setMaxThreads}); by default ND4J
 *       uses {@code OMP_NUM_THREADS}, or all cores</li>
 *   <li>{@code vificlip.elementwiseThreshold}: elements below which an element-wise op runs on one
 *       thread (libnd4j's default is small, so even tiny adds wake every thread)</li>
 *   <li>{@code vificlip.tadThreshold}: the same for reductions along an axis</li>
 *   <li>{@code vificlip.blasThreads}: threads of the bundled OpenBLAS. libnd4j runs a batched matmul
 *       (attention's [N, H, L, L] products) as a parallel loop over the batch that calls OpenBLAS in
 *       each iteration; with OpenBLAS threaded as well, 2 + 2 threads fight over 2 cores and the
 *       attention core runs slower on 2 threads than on 1. The default, 1, avoids that (the large 2-D
 *       matmuls run through oneDNN in the -onednn builds and keep all threads; measured in
 *       benchmarks/clip/README.md: ViT-B/16 forward 14% faster on 2 cores).</li>
 * </ul>
 */
public final class Nd4jSetup {
    private Nd4jSetup() {
    }

    /** OpenBLAS threads unless {@code vificlip.blasThreads} says otherwise (see the class comment). */
    static final int DEFAULT_BLAS_THREADS = 1;

    private static boolean applied;

    /** Applies the settings once per JVM; later calls do nothing. */
    public static synchronized void applyOnce() {
        if (!applied) {
            apply();
            applied = true;
        }
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
        Nd4j.factory().blas().setMaxThreads(Integer.getInteger("vificlip.blasThreads", DEFAULT_BLAS_THREADS));
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
