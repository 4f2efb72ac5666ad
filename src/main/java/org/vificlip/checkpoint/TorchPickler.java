package org.vificlip.checkpoint;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pickles plain Python values and tensors the way {@code torch.save} does (protocol 2), using only what
 * {@code torch.load(weights_only=True)} accepts: the opcodes of its restricted unpickler and the globals
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and {@code torch.<X>Storage}.
 * A tensor is {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())} over a storage named
 * by the persistent id {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}; the storages' bytes are
 * not in the pickle but collected in {@link #storages()} for the archive's {@code data/<key>} entries.
 */
final class TorchPickler {

    /** A storage for {@code data/<key>}: the tensor's elements, C-order, of {@code type}. */
    record Storage(String key, INDArray array, ElementType type) {
    }

    /** Python's pickler batches SETITEMS/APPENDS by this many items; so do we (keeps marks short). */
    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Storage> storages = new ArrayList<>();
    /** The same INDArray object twice is one storage, as torch.save shares one storage between views. */
    private final Map<INDArray, String> storageKeys = new IdentityHashMap<>();
    /** Memo slots of the globals and strings every tensor repeats (torch's pickles memoise everything). */
    private final Map<String, Integer> memo = new HashMap<>();
    /** Containers being written, to refuse a structure that contains itself. */
    private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());

    private TorchPickler() {
    }

    /**
     * @param root the object to pickle
     * @return the pickler, holding the pickle ({@link #bytes()}) and the storages it refers to
     * @throws IllegalArgumentException naming the path of a value that is not one of the supported types
     */
    static TorchPickler pickle(Object root) {
        TorchPickler p = new TorchPickler();
        p.op(0x80, 2); // PROTO 2
        p.value(root, "");
        p.op('.'); // STOP
        return p;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    List<Storage> storages() {
        return storages;
    }

    private void value(Object v, String path) {
        if (v == null) {
            op('N');
        } else if (v instanceof Boolean b) {
            op(b ? 0x88 : 0x89); // NEWTRUE / NEWFALSE
        } else if (v instanceof Integer || v instanceof Long) {
            integer(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            op('G'); // BINFLOAT: Python's float is a double, stored big-endian
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(((Number) v).doubleValue()).array());
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof INDArray a) {
            tensor(a, path);
        } else if (v instanceof TorchCheckpointWriter.OrderedDict d) {
            enter(d, path);
            global("collections", "OrderedDict");
            op(')', 'R'); // OrderedDict() — then its items, as for a dict
            items(d.entries(), path);
            open.remove(d);
        } else if (v instanceof Map<?, ?> m) {
            enter(m, path);
            op('}');
            items(m, path);
            open.remove(m);
        } else if (v instanceof TorchCheckpointWriter.Tuple t) {
            enter(t, path);
            tuple(t.items(), path);
            open.remove(t);
        } else if (v instanceof List<?> l) {
            enter(l, path);
            list(l, path);
            open.remove(l);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " at " + describe(path)
                    + ": values must be Map, OrderedDict, List, Tuple, String, Integer, Long, Double, Float, Boolean,"
                    + " null or INDArray");
        }
    }

    private void enter(Object container, String path) {
        if (!open.add(container)) {
            throw new IllegalArgumentException("the structure contains itself at " + describe(path));
        }
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the root" : path;
    }

    private void items(Map<?, ?> m, String path) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        for (int start = 0; start < entries.size(); start += BATCH) {
            List<Map.Entry<?, ?>> batch = entries.subList(start, Math.min(entries.size(), start + BATCH));
            if (batch.size() > 1) op('('); // MARK
            for (Map.Entry<?, ?> e : batch) {
                Object k = e.getKey();
                String at = path + "[" + (k instanceof String s ? "'" + s + "'" : String.valueOf(k)) + "]";
                if (k instanceof String s) {
                    string(s);
                } else if (k instanceof Integer || k instanceof Long) {
                    integer(((Number) k).longValue());
                } else {
                    throw new IllegalArgumentException("cannot write the key " + k + " ("
                            + (k == null ? "null" : k.getClass().getName()) + ") at " + describe(path)
                            + ": dict keys must be String, Integer or Long");
                }
                value(e.getValue(), at);
            }
            op(batch.size() > 1 ? 'u' : 's'); // SETITEMS / SETITEM
        }
    }

    private void list(List<?> l, String path) {
        op(']'); // EMPTY_LIST
        for (int start = 0; start < l.size(); start += BATCH) {
            int end = Math.min(l.size(), start + BATCH);
            if (end - start > 1) op('(');
            for (int i = start; i < end; i++) value(l.get(i), path + "[" + i + "]");
            op(end - start > 1 ? 'e' : 'a'); // APPENDS / APPEND
        }
    }

    private void tuple(List<?> items, String path) {
        if (items.isEmpty()) {
            op(')'); // EMPTY_TUPLE
            return;
        }
        if (items.size() > 3) op('(');
        for (int i = 0; i < items.size(); i++) value(items.get(i), path + "[" + i + "]");
        op(switch (items.size()) {
            case 1 -> 0x85; // TUPLE1
            case 2 -> 0x86; // TUPLE2
            case 3 -> 0x87; // TUPLE3
            default -> 't'; // TUPLE
        });
    }

    private void tensor(INDArray a, String path) {
        ElementType type = ElementType.ofNd4j(a.dataType());
        if (type == null) {
            throw new IllegalArgumentException("cannot write the " + a.dataType() + " array at " + describe(path)
                    + ": PyTorch has no storage for it (supported: float32, float16, bfloat16, float64, int64, int32,"
                    + " int16, int8, uint8, bool)");
        }
        String key = storageKeys.get(a);
        if (key == null) {
            key = String.valueOf(storages.size());
            storageKeys.put(a, key);
            storages.add(new Storage(key, a, type));
        }
        long[] shape = a.shape();
        global("torch._utils", "_rebuild_tensor_v2");
        op('(');
        op('(');
        memoString("storage");
        global("torch", type.torchStorage);
        string(key);
        memoString("cpu");
        integer(a.length());
        op('t', 'Q'); // the persistent id tuple, BINPERSID
        integer(0); // storage offset: every tensor has its own storage
        longTuple(shape);
        longTuple(contiguousStrides(shape));
        op(0x89); // requires_grad False
        global("collections", "OrderedDict");
        op(')', 'R'); // backward hooks: OrderedDict()
        op('t', 'R');
    }

    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = acc;
            acc *= shape[d];
        }
        return stride;
    }

    private void longTuple(long[] values) {
        List<Object> items = new ArrayList<>(values.length);
        for (long v : values) items.add(v);
        tuple(items, "");
    }

    // ---- opcodes ----

    private void op(int... codes) {
        for (int c : codes) out.write(c);
    }

    /** The smallest of BININT1, BININT2, BININT, LONG1, as Python's pickler chooses. */
    private void integer(long v) {
        if (v >= 0 && v <= 0xff) {
            op('K', (int) v);
        } else if (v >= 0 && v <= 0xffff) {
            op('M', (int) (v & 0xff), (int) (v >>> 8));
        } else if (v == (int) v) {
            op('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            byte[] bigEndian = BigInteger.valueOf(v).toByteArray(); // minimal two's complement
            op(0x8a, bigEndian.length);
            for (int i = bigEndian.length - 1; i >= 0; i--) out.write(bigEndian[i]);
        }
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X'); // BINUNICODE
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
    }

    private void memoString(String s) {
        if (!get("str:" + s)) {
            string(s);
            put("str:" + s);
        }
    }

    private void global(String module, String name) {
        String id = "global:" + module + "." + name;
        if (!get(id)) {
            op('c'); // GLOBAL
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            put(id);
        }
    }

    /** Pushes a memoised value (BINGET / LONG_BINGET) if there is one. */
    private boolean get(String id) {
        Integer slot = memo.get(id);
        if (slot == null) return false;
        if (slot < 256) {
            op('h', slot);
        } else {
            op('j');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(slot).array());
        }
        return true;
    }

    /** Memoises the value on top of the stack (BINPUT / LONG_BINPUT). */
    private void put(String id) {
        int slot = memo.size();
        memo.put(id, slot);
        if (slot < 256) {
            op('q', slot);
        } else {
            op('r');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(slot).array());
        }
    }
}
