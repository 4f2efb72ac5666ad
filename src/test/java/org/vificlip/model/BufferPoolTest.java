package org.vificlip.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.vificlip.testing.ClipFixtures;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training runs' memory manager: every array of a gradient run comes back to it and is reused. */
class BufferPoolTest {
    static ClipModel model;
    static Map<String, INDArray> inputs;

    @BeforeAll
    static void build() throws Exception {
        model = ClipModel.build(ClipFixtures.baseWeights());
        int[][] tokens = ClipFixtures.textTokens();
        inputs = model.placeholders(ClipFixtures.npy("inputs/video.npy"), tokens,
                ClipModel.targets(ClipFixtures.npy("inputs/labels.npy").toIntVector(), tokens.length, 0.0));
        model.prepareGradients();
    }

    @Test
    void aReleasedBufferComesBackUnderANewArray() {
        BufferPool pool = new BufferPool(1 << 20);
        INDArray first = pool.allocate(false, DataType.FLOAT, 4, 6);
        long firstId = first.getId();
        pool.release(first);
        assertEquals(4 * 6 * 4, pool.pooledBytes());

        INDArray second = pool.allocate(false, LongShapeDescriptor.fromShape(new long[]{3, 8}, DataType.FLOAT));
        assertSame(first.data(), second.data(), "same length, same element type: the buffer is reused");
        assertNotSame(first, second);
        assertEquals(firstId, first.getId(), "the released array object keeps its id (M2.1's session tracks it by id)");
        assertNotEquals(first.getId(), second.getId());
        assertArrayEquals(new long[]{3, 8}, second.shape());
        assertEquals(0, pool.pooledBytes());

        INDArray other = pool.allocate(false, DataType.DOUBLE, 3, 8);
        assertNotSame(second.data(), other.data(), "another element type gets a buffer of its own");
    }

    @Test
    void viewsAndWhatExceedsTheCapAreNotKept() {
        BufferPool pool = new BufferPool(100);
        INDArray whole = pool.allocate(false, DataType.FLOAT, 4, 6);
        pool.release(whole.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)));
        assertEquals(0, pool.pooledBytes(), "a view shares a buffer that someone else may still read");
        pool.release(whole);
        assertEquals(96, pool.pooledBytes());
        pool.release(pool.allocate(false, DataType.FLOAT, 2));   // fresh: nothing pooled of that length
        assertEquals(96, pool.pooledBytes(), "a 104th byte would exceed the 100-byte cap");
    }

    /**
     * A gradient run gives back every array it allocated except the ones it returns, on every run, and
     * the per-block gradients of the causal mask: M2.1 computes them, though nobody asked for the mask's
     * gradient, and never runs the op that would sum them (a few [L, L] arrays, L ≤ 77). With M2.1's
     * {@code ArrayCacheMemoryMgr} far more are lost: the session's array-use tracker loses the arrays the
     * cache re-identified, and they are left to the garbage collector.
     */
    @Test
    void aGradientRunReleasesEveryArrayItDoesNotReturn() {
        int textBlocks = model.config().textLayers();
        Counting pool = new Counting(new BufferPool());
        for (int run = 0; run < 2; run++) {
            List<INDArray> kept = arraysKeptAfterGradientRun(pool);
            assertTrue(kept.size() <= textBlocks, "run " + run + ": " + kept.size() + " arrays kept");
            for (INDArray array : kept) {
                assertArrayEquals(inputs.get(ClipModel.CAUSAL_MASK).shape(), array.shape(), "run " + run);
            }
        }
        Counting m21Cache = new Counting(new ArrayCacheMemoryMgr());
        arraysKeptAfterGradientRun(m21Cache);
        int kept = arraysKeptAfterGradientRun(m21Cache).size();
        assertTrue(kept > textBlocks, "M2.1's cache still loses track of arrays (" + kept
                + " kept); if that is fixed, BufferPool may go");
    }

    /** @return the arrays allocated through {@code arrays} in one run, neither released nor returned */
    private static List<INDArray> arraysKeptAfterGradientRun(Counting arrays) {
        arrays.open.clear();
        var result = Graphs.gradientsAndOutputs(model.sameDiff(), arrays, inputs,
                List.of(ClipModel.LOSS, ClipModel.LOGITS), model.trainableParameters());
        // returned: the arrays themselves, or (a parameter's [size, 1] column sums) their buffers in its shape
        Set<Object> returned = Collections.newSetFromMap(new IdentityHashMap<>());
        result.getOutputs().values().forEach(array -> returned.add(array.data()));
        result.getGradients().values().forEach(array -> returned.add(array.data()));
        return arrays.open.stream().filter(array -> !returned.contains(array.data())).toList();
    }

    /** Counts what the session allocates and releases through {@code inner}. */
    private static final class Counting extends AbstractMemoryMgr {
        private final SessionMemMgr inner;
        private final Set<INDArray> open = Collections.newSetFromMap(new IdentityHashMap<>());

        Counting(SessionMemMgr inner) {
            this.inner = inner;
        }

        @Override
        public INDArray allocate(boolean detached, DataType type, long... shape) {
            return opened(inner.allocate(detached, type, shape));
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            return opened(inner.allocate(detached, descriptor));
        }

        private INDArray opened(INDArray array) {
            open.add(array);
            return array;
        }

        @Override
        public void release(INDArray array) {
            open.remove(array);
            inner.release(array);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
