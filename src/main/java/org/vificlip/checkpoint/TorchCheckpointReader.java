package org.vificlip.checkpoint;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.PickleValues.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole {@code torch.save} zip (such as our own training state, written by
 * {@link TorchCheckpointWriter}) into plain Java values: dicts and OrderedDicts as
 * {@code LinkedHashMap<Object, Object>}, lists and tuples as {@code List}, Python ints as Long, floats as
 * Double, str as String, bool as Boolean, None as null, bytes as byte[], and tensors as INDArray of their own
 * dtype (float32 stays FLOAT, int64 is LONG, float16 HALF, bool BOOL, ...). It unpickles with
 * {@link RestrictedUnpickler}, which builds no class a file names: a file holding any other object is refused.
 */
public final class TorchCheckpointReader {

    private TorchCheckpointReader() {
    }

    /**
     * @throws BadInputException naming {@code file} if it is missing, not a PyTorch zip, broken, or holds an
     *                           object other than plain data and tensors
     */
    public static Object read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, Files.exists(file) ? "not a file" : "no such file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
            throw new BadInputException(file, "not a PyTorch checkpoint (a torch.save zip starts with 'PK')");
        }
        try (TorchZipArchive archive = TorchZipArchive.open(file)) {
            return plain(file, archive.readDataPickle(), "");
        }
    }

    /** Converts what the unpickler built, materialising tensors while the archive is open. */
    private static Object plain(Path file, Object v, String path) throws BadInputException {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
                || v instanceof byte[]) {
            return v;
        }
        if (v instanceof TorchTensor t) {
            return tensor(file, t, path);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object key = plain(file, e.getKey(), path);
                String at = path + "[" + (key instanceof String s ? "'" + s + "'" : String.valueOf(key)) + "]";
                out.put(key, plain(file, e.getValue(), at));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            return list(file, l, path);
        }
        if (v instanceof Tuple t) {
            return list(file, t.items(), path);
        }
        throw new BadInputException(file, "holds " + RestrictedUnpickler.describe(v) + " at " + where(path)
                + "; only plain data (dict, list, tuple, str, int, float, bool, None) and tensors are read");
    }

    private static String where(String path) {
        return path.isEmpty() ? "the root" : path;
    }

    private static List<Object> list(Path file, List<?> items, String path) throws BadInputException {
        List<Object> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) out.add(plain(file, items.get(i), path + "[" + i + "]"));
        return out;
    }

    private static INDArray tensor(Path file, TorchTensor t, String path) throws BadInputException {
        ElementType type = t.storage.type();
        if (type == null) {
            throw new BadInputException(file, "tensor at " + where(path) + ": " + t.unsupportedReason());
        }
        ByteBuffer bytes;
        try {
            bytes = t.readBytes();
        } catch (IOException e) {
            throw new BadInputException(file, "tensor at " + where(path) + ": " + e.getMessage(), e);
        }
        // The state outlives any workspace a caller may have open.
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray array = Nd4j.createUninitialized(type.nd4j, t.shape(), 'c');
            if (bytes.hasRemaining()) array.data().asNio().order(ByteOrder.LITTLE_ENDIAN).put(bytes);
            return array;
        }
    }
}
