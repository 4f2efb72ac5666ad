package org.vificlip.model;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where training runs take their arrays from: the buffers of the arrays a run released, kept by element
 * type and length and handed out again under a new array of the requested shape.
 * <p>
 * M2.1's own {@code ArrayCacheMemoryMgr} hands out the released array object itself after giving it a new
 * id ({@code assignNewId}). But {@code InferenceSession}'s array-use tracker still holds that object from its
 * earlier use and looks its dependencies up by the array's id, now changed, so the array's later uses are
 * never all counted as done: with that cache, 2.4 GB of the arrays of a ViT-B/16 step (B=1, T=8, 10 prompts)
 * were never released and were allocated afresh on the next step, left for the garbage collector to free.
 * Handing out a new array object over the old buffer leaves the tracker's objects and ids as they were:
 * every array is released, and a step after the first allocates almost nothing.
 * <p>
 * One pool serves every run of a model's training graphs: a step asks for the same shapes as the step
 * before, and the twelve blocks of a tower for the same shapes as each other, so after the first step nearly
 * every array is a buffer already resident. With a pool per run, each step's buffers were freed and allocated
 * again, and what glibc kept of them piled up (B=2, T=8, 101 prompts: 9.6, 11.6, 12.2 GB over three steps).
 * <p>
 * Like M2.1's cache, it keeps at most a quarter of JavaCPP's {@code maxbytes} (which
 * {@code cli/NativeMemoryLimits} sets to the machine's memory) and frees what would go beyond. It serves
 * one thread at a time.
 */
final class BufferPool extends AbstractMemoryMgr {
    private record Key(DataType type, long length) {
    }

    private final Map<Key, ArrayDeque<DataBuffer>> free = new HashMap<>();
    private final long maxPooledBytes;
    private long pooledBytes;

    BufferPool() {
        this(Pointer.maxBytes() / 4);
    }

    BufferPool(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
    }

    @Override
    public INDArray allocate(boolean detached, DataType type, long... shape) {
        return allocate(type, shape, 'c');
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return allocate(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder());
    }

    private synchronized INDArray allocate(DataType type, long[] shape, char order) {
        long length = ArrayUtil.prodLong(shape);
        DataBuffer buffer = shape.length == 0 || length == 0 ? null : take(new Key(type, length));
        if (buffer == null) {
            return Nd4j.createUninitializedDetached(type, order, shape);
        }
        return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, order), 0, order, type);
    }

    private DataBuffer take(Key key) {
        ArrayDeque<DataBuffer> buffers = free.get(key);
        DataBuffer buffer = buffers == null ? null : buffers.pollLast();
        if (buffer != null) {
            pooledBytes -= bytesOf(buffer);
        }
        return buffer;
    }

    @Override
    public synchronized void release(INDArray array) {
        DataBuffer buffer = array.data();
        if (buffer == null || array.isEmpty() || array.isView() || array.rank() == 0
                || buffer.length() != array.length() || buffer.wasClosed()
                || Nd4j.getExecutioner().useCount(buffer) > 1) {
            // not a whole buffer of its own: someone else may still read it (M2.1's cache closes these)
            if (array.closeable()) {
                array.close();
            }
            return;
        }
        long bytes = bytesOf(buffer);
        if (pooledBytes + bytes > maxPooledBytes) {
            array.close();
            return;
        }
        free.computeIfAbsent(new Key(array.dataType(), buffer.length()), k -> new ArrayDeque<>()).add(buffer);
        pooledBytes += bytes;
    }

    /** Bytes held for reuse. */
    synchronized long pooledBytes() {
        return pooledBytes;
    }

    @Override
    public synchronized void close() {
        free.values().forEach(buffers -> buffers.forEach(DataBuffer::close));
        free.clear();
        pooledBytes = 0;
    }

    private static long bytesOf(DataBuffer buffer) {
        return buffer.length() * buffer.getElementSize();
    }
}
