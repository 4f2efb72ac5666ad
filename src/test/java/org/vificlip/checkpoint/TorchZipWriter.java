package org.vificlip.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: writes PyTorch-style zip checkpoints ({@code <folder>/data.pkl} + {@code <folder>/data/N}) the way
 * {@code torch.save} lays them out, with hand-assembled pickles, so tests can build good and bad files
 * without Python.
 */
final class TorchZipWriter {

    /** A tensor entry: a view on its own storage. */
    record Tensor(String storageClass, byte[] storage, long numel, long offset, long[] size, long[] stride) {
        static Tensor float32(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("FloatStorage", b.array(), values.length, 0, shape, contiguousStrides(shape));
        }

        static Tensor float16(long[] shape, short[] halfBits) {
            ByteBuffer b = ByteBuffer.allocate(halfBits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(halfBits);
            return new Tensor("HalfStorage", b.array(), halfBits.length, 0, shape, contiguousStrides(shape));
        }
    }

    static long[] contiguousStrides(long[] shape) {
        return TorchPickler.contiguousStrides(shape);
    }

    /** Hand-assembled protocol-2 pickle. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        Pickle proto() {
            return op(0x80, 2);
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v != (int) v) { // LONG1 with 8 little-endian two's-complement bytes
                op(0x8a, 8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
                return this;
            }
            op('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle tuple(long[] values) {
            op('(');
            for (long v : values) integer(v);
            return op('t');
        }

        /** {@code _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())}. */
        Pickle tensor(Tensor t, String key) {
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(').string("storage").global("torch", t.storageClass()).string(key).string("cpu").integer(t.numel()).op('t');
            op('Q');
            integer(t.offset());
            tuple(t.size());
            tuple(t.stride());
            op(0x89); // False
            global("collections", "OrderedDict").op(')').op('R');
            op('t');
            return op('R');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * Writes a torch.save'd dict. Values are {@link Tensor}s or raw pickle fragments ({@code byte[]}) that push
     * one value (for hostile or unusual entries).
     */
    static void writeStateDict(Path file, Map<String, Object> entries) throws IOException {
        Pickle p = new Pickle().proto().op('}').op('(');
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            p.string(e.getKey());
            if (e.getValue() instanceof Tensor t) {
                String key = String.valueOf(storages.size());
                storages.put(key, t.storage());
                p.tensor(t, key);
            } else {
                p.out.writeBytes((byte[]) e.getValue());
            }
        }
        p.op('u').op('.');
        writeZip(file, "archive", p.bytes(), storages);
    }

    /** Through the main code's zip writer: STORED, 64-byte aligned entries, as torch.save writes them. */
    static void writeZip(Path file, String folder, byte[] dataPkl, Map<String, byte[]> storages) throws IOException {
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             AlignedZipWriter zip = new AlignedZipWriter(os)) {
            if (dataPkl != null) zip.add(folder + "/data.pkl", dataPkl);
            for (Map.Entry<String, byte[]> s : storages.entrySet()) zip.add(folder + "/data/" + s.getKey(), s.getValue());
            zip.add(folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
