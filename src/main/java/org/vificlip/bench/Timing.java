package org.vificlip.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The benchmarks' timing policy, the same as {@code benchmarks/clip/pytorch_clip_bench.py}:
 * {@code warmup} untimed runs (JIT, graph planning, first touch of buffers), then {@code runs}
 * timed runs; the median counts, so one run disturbed by another process does not.
 * <p>
 * Besides wall time it records the CPU time of the calling thread. With one compute thread
 * ({@code OMP_NUM_THREADS=1}) every native op runs on the calling thread, and that CPU time is the
 * cost of the work itself, nearly unaffected by other processes competing for the cores.
 */
public record Timing(double medianMs, double minMs, List<Double> runsMs,
                     double medianThreadCpuMs, List<Double> runsThreadCpuMs) {

    /** A piece of work to time; it may throw, the exception ends the benchmark. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    public static Timing measure(int warmup, int runs, Work work) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            work.run();
            wall.add((System.nanoTime() - start) / 1e6);
            cpu.add((threads.getCurrentThreadCpuTime() - cpuStart) / 1e6);
        }
        return new Timing(median(wall), Collections.min(wall), wall, median(cpu), cpu);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
