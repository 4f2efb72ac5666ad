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
        Integer tad = Integer.getInteger("vificlip.tadThreshold");
        if (tad != null) {
            env.setTadThreshold(tad);
        }
    }

    /** The current settings, for benchmark reports. */
    public static String describe() {
        Environment env = Nd4j.getEnvironment();
        return "maxThreads=" + env.maxThreads() + " maxMasterThreads=" + env.maxMasterThreads()
                + " elementwiseThreshold=" + env.elementwiseThreshold() + " tadThreshold=" + env.tadThreshold();
    }
}
