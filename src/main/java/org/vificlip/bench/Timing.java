package org.vificlip.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The benchmarks' timing policy, the same as {@code benchmarks/clip/pytorch_clip_bench.py}:
 * {@code warmup} untimed runs (JIT, graph planning, first-touch of buffers), then {@code runs}
 * timed runs; the median wall time counts, so one run disturbed by another process does not.
 */
public record Timing(double medianMs, List<Double> runsMs) {

    /** A piece of work to time; it may throw, the exception ends the benchmark. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    public static Timing measure(int warmup, int runs, Work work) throws Exception {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.run();
            times.add((System.nanoTime() - start) / 1e6);
        }
        return new Timing(median(times), times);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
