package org.vificlip.train;

/**
 * Gives native memory back between training steps. ND4J frees an array's off-heap buffer only when the
 * garbage collector finds the array unreachable, and SameDiff leaves many of a step's intermediate arrays
 * to it. A training loop allocates little on the Java heap relative to what those arrays hold off-heap,
 * so the collector runs late, the heap grows, and resident memory climbs step after step (measured on
 * the fixture CLIP: +75% over 300 steps without this, flat within 3% with it).
 * <p>
 * A full collection at most once per {@code interval}: every step of a full-size model (seconds each),
 * every few steps of a small one, so its cost stays a few percent of the run.
 */
public final class MemoryReclaimer {
    private final long intervalNanos;
    private long last = System.nanoTime();

    public MemoryReclaimer(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** The default: at most one collection a second. */
    public static MemoryReclaimer everySecond() {
        return new MemoryReclaimer(1000);
    }

    /** Call after each step, once its arrays are no longer used. */
    public void afterStep() {
        long now = System.nanoTime();
        if (now - last >= intervalNanos) {
            System.gc();
            last = System.nanoTime();
        }
    }
}
