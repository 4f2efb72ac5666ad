package org.vificlip.spark;

import org.apache.spark.TaskContext;

/**
 * A test aid: with the job-local property {@value #PROPERTY} set to a partition index (on the driver,
 * {@code sparkContext().setLocalProperty}), the first attempt of that partition's task fails mid-way, so
 * tests can check that Spark's retry gives the same result. Needs {@code spark.task.maxFailures} > 1
 * (master {@code local[N,F]} in local mode). Without the property this does nothing.
 */
public final class FaultInjection {
    public static final String PROPERTY = "vificlip.failFirstAttemptOfPartition";

    /** Failures injected so far in this JVM (local mode: tests see that the retry did happen). */
    public static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    private FaultInjection() {
    }

    static void maybeFail(String where) {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        String partition = task.getLocalProperty(PROPERTY);
        if (partition != null && task.attemptNumber() == 0 && task.partitionId() == Integer.parseInt(partition)) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure in " + where + ", partition " + partition
                    + ", stage " + task.stageId() + ", attempt 0");
        }
    }
}
