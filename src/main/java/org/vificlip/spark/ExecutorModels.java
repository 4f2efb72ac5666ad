package org.vificlip.spark;

import org.vificlip.model.ClipModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The models of one executor JVM: each is loaded once, on the first task that needs it, and shared by the
 * tasks that run there. A task holds the model's lock while it computes (SameDiff's sessions are not meant to
 * be shared between threads, and ND4J already spreads one computation over the cores); the tasks' video
 * decoding runs outside the lock, so it overlaps the other task's compute.
 */
final class ExecutorModels {
    /** Models kept at most (a long-lived executor that sees several runs does not keep them all). */
    private static final int KEEP = 2;

    private static final Map<String, Slot> SLOTS = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
            return size() > KEEP;
        }
    };

    /** One loaded model and which broadcast weights it holds (-1: as loaded). */
    static final class Slot {
        private final ClipModel model;
        private final ReentrantLock lock = new ReentrantLock();
        private long version = -1;

        private Slot(ClipModel model) {
            this.model = model;
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(ClipModel model) throws IOException;
    }

    private ExecutorModels() {
    }

    /**
     * Runs {@code work} on this executor's model for {@code source}, trained tower {@code tower}, of run
     * {@code run} ("" for jobs that do not change weights), holding {@code weights} when not null.
     */
    static <T> T with(ModelSource source, ClipModel.Tower tower, String run, ModelWeights weights, Work<T> work) throws IOException {
        Slot slot = slot(source, tower, run);
        slot.lock.lock();
        try {
            if (weights != null && weights.version() != slot.version) {
                weights.applyTo(slot.model);
                slot.version = weights.version();
            }
            return work.apply(slot.model);
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * As {@link #with}, for work that changes the model's weights (local steps of parameter averaging): the
     * weights are copied in whatever the model held, and afterwards the model counts as holding none of the
     * broadcasts, so the next task copies its weights in again.
     */
    static <T> T withOwnWeights(ModelSource source, ClipModel.Tower tower, String run, ModelWeights weights, Work<T> work)
            throws IOException {
        Slot slot = slot(source, tower, run);
        slot.lock.lock();
        try {
            weights.applyTo(slot.model);
            slot.version = Long.MIN_VALUE;
            return work.apply(slot.model);
        } finally {
            slot.lock.unlock();
        }
    }

    private static Slot slot(ModelSource source, ClipModel.Tower tower, String run) throws IOException {
        String key = source.weights() + "|" + source.checkpoint() + "|" + tower + "|" + run;
        synchronized (SLOTS) {
            Slot slot = SLOTS.get(key);
            if (slot == null) {
                ClipModel model = ClipModel.build(source.load());
                model.trainOnly(tower);
                slot = new Slot(model);
                SLOTS.put(key, slot);
            }
            return slot;
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
