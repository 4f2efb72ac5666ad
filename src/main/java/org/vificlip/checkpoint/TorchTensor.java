package org.vificlip.checkpoint;

import org.vificlip.checkpoint.PickleValues.StorageRef;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor of a PyTorch zip checkpoint: a view (offset, size, stride, in elements) on a storage
 * ({@code data/N}). Non-contiguous views are gathered into a dense row-major copy.
 */
final class TorchTensor implements TensorSource {

    /** Reads a byte range of one storage entry of the archive. */
    interface StorageBytes {
        /** @return exactly {@code length} bytes starting at {@code byteOffset} of the storage */
        ByteBuffer read(long byteOffset, int length) throws IOException;

        /** Describes where the storage lives, for messages ({@code data/5}). */
        String name();
    }

    final StorageRef storage;
    private final StorageBytes bytes;
    final long offset;
    final long[] size;
    final long[] stride;

    TorchTensor(StorageRef storage, StorageBytes bytes, long offset, long[] size, long[] stride) {
        this.storage = storage;
        this.bytes = bytes;
        this.offset = offset;
        this.size = size;
        this.stride = stride;
    }

    @Override
    public long[] shape() {
        return size.clone();
    }

    @Override
    public String dtype() {
        return storage.type() == null ? storage.storageClass() : storage.type().displayName;
    }

    @Override
    public String unsupportedReason() {
        if (storage.type() != null) return null;
        return "unsupported dtype: storage class torch." + storage.storageClass()
                + " (readable: float16, bfloat16, float32, float64, int64, int32, int16, int8, uint8, bool)";
    }

    @Override
    public float[] readFloats() throws IOException {
        ByteBuffer bytes = readBytes();
        return storage.type().toFloats(bytes, bytes.remaining() / storage.type().size);
    }

    /**
     * The view's elements in row-major (C) order, as little-endian bytes of the storage's own type
     * ({@link StorageRef#type()}); strided views are gathered into a dense copy.
     */
    ByteBuffer readBytes() throws IOException {
        String unsupported = unsupportedReason();
        if (unsupported != null) throw new IOException(unsupported);
        ElementType type = storage.type();
        long numel;
        long extent = 1; // the elements this view touches span [offset, offset + extent) of the storage
        try {
            numel = 1;
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) throw new ArithmeticException();
                numel = Math.multiplyExact(numel, size[d]);
                if (size[d] > 0) extent = Math.addExact(extent, Math.multiplyExact(size[d] - 1, stride[d]));
            }
        } catch (ArithmeticException e) {
            throw new IOException("impossible tensor view: size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride));
        }
        if (numel == 0) return ByteBuffer.allocate(0);
        if (offset < 0 || offset + extent > storage.numel()) {
            throw new IOException("tensor view (offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride) + ") reaches past its storage " + bytes.name() + " of " + storage.numel()
                    + " elements");
        }
        if (extent * type.size > Integer.MAX_VALUE - 16) {
            throw new IOException("tensor of " + extent + " elements is too large for one Java array");
        }
        ByteBuffer spanned = bytes.read(offset * type.size, (int) (extent * type.size));
        return isContiguous() ? spanned : gather(spanned, numel, type.size);
    }

    private boolean isContiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /** Copies a strided view into row-major order (views such as a transposed or sliced parameter). */
    private ByteBuffer gather(ByteBuffer spanned, long numel, int elementSize) {
        byte[] from = new byte[spanned.remaining()];
        spanned.get(from);
        byte[] out = new byte[(int) numel * elementSize];
        int rank = size.length;
        long[] index = new long[rank];
        long at = 0; // storage position relative to offset, in elements
        for (int i = 0; i < numel; i++) {
            System.arraycopy(from, (int) at * elementSize, out, i * elementSize, elementSize);
            for (int d = rank - 1; d >= 0; d--) { // odometer increment of the multi-index
                index[d]++;
                at += stride[d];
                if (index[d] < size[d]) break;
                at -= stride[d] * size[d];
                index[d] = 0;
            }
        }
        return ByteBuffer.wrap(out);
    }
}
