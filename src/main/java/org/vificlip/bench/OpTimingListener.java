package org.vificlip.bench;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wall time of every op SameDiff executes, summed by op type and output shape, to see where a forward
 * pass spends its time (the gap between the sum and the pass's wall time is SameDiff's own
 * bookkeeping between ops). Attach with {@code sd.setListeners(listener)}; not thread-safe.
 */
public final class OpTimingListener extends BaseListener {
    private final Map<String, long[]> byKind = new HashMap<>(); // kind -> {nanos, count}
    private final boolean threadCpu;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long opStart;

    /**
     * @param threadCpu measure the calling thread's CPU time instead of wall time (meaningful with
     *                  one compute thread, where every op runs on the calling thread)
     */
    public OpTimingListener(boolean threadCpu) {
        this.threadCpu = threadCpu;
    }

    private long now() {
        return threadCpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        opStart = now();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        long elapsed = now() - opStart;
        String shape = outputs == null || outputs.length == 0 || outputs[0] == null ? "-"
                : Arrays.toString(outputs[0].shape()) + (outputs.length > 1 ? "x" + outputs.length : "");
        String kind = op.getOp().opName() + " " + shape;
        long[] acc = byKind.computeIfAbsent(kind, k -> new long[2]);
        acc[0] += elapsed;
        acc[1]++;
    }

    public void reset() {
        byKind.clear();
    }

    public long totalNanos() {
        return byKind.values().stream().mapToLong(a -> a[0]).sum();
    }

    /** Kinds by descending total time: "ms  count  op [output shape]", one a line. */
    public String table(int top) {
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(byKind.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        return rows.stream().limit(top)
                .map(e -> String.format("%10.1f ms %5d  %s", e.getValue()[0] / 1e6, e.getValue()[1], e.getKey()))
                .collect(Collectors.joining("\n"));
    }

    /** Total ms by op name alone (all shapes together). */
    public Map<String, Double> msByOp() {
        Map<String, Double> out = new HashMap<>();
        byKind.forEach((k, v) -> out.merge(k.substring(0, k.indexOf(' ')), v[0] / 1e6, Double::sum));
        return out;
    }
}
