package org.vificlip.checkpoint;

import org.vificlip.BadInputException;
import org.vificlip.checkpoint.PickleValues.Global;
import org.vificlip.checkpoint.PickleValues.InertObject;
import org.vificlip.checkpoint.PickleValues.StorageRef;
import org.vificlip.checkpoint.PickleValues.Tuple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that only builds data. It understands the opcodes PyTorch writes (protocol 2, plus the
 * protocol 4 framing and memo opcodes) and turns:
 * <ul>
 *   <li>{@code torch._utils._rebuild_tensor_v2} / {@code _rebuild_tensor} into {@link TorchTensor}s over the
 *       archive's storages (read lazily, later), {@code _rebuild_parameter(_with_state)} and
 *       {@code torch._tensor._rebuild_from_type_v2} into the tensor they wrap;</li>
 *   <li>{@code collections.OrderedDict} into a {@link LinkedHashMap};</li>
 *   <li>every other class or function into an {@link InertObject} recording its name, arguments and state.</li>
 * </ul>
 * It never resolves, loads or calls anything a file names, so a hostile checkpoint cannot run code.
 * Opcodes outside that set (INST, OBJ, EXT1, text-mode opcodes, ...) are refused with an error.
 */
final class RestrictedUnpickler {

    /** Reads the bytes of a storage when a tensor is materialised. */
    interface StorageResolver {
        TorchTensor.StorageBytes storage(StorageRef ref);
    }

    private static final Object MARK_SENTINEL = new Object();

    private final Path source;
    private final String pickleName;
    private final StorageResolver storages;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path source, String pickleName, byte[] data, StorageResolver storages) {
        this.source = source;
        this.pickleName = pickleName;
        this.storages = storages;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param source     the checkpoint file, for error messages
     * @param pickleName the entry inside it ({@code tiny-a/data.pkl}), for error messages
     */
    static Object load(Path source, String pickleName, byte[] data, StorageResolver storages)
            throws BadInputException {
        RestrictedUnpickler u = new RestrictedUnpickler(source, pickleName, data, storages);
        try {
            return u.run();
        } catch (BadInputException e) {
            throw e;
        } catch (java.nio.BufferUnderflowException e) {
            throw u.error("pickle ends before its STOP opcode (truncated)");
        } catch (RuntimeException e) {
            throw u.error("corrupt pickle (" + e + ")");
        }
    }

    private BadInputException error(String problem) {
        return new BadInputException(source, pickleName + " at byte " + in.position() + ": " + problem);
    }

    private Object run() throws BadInputException {
        while (true) {
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO n
                case 0x95 -> in.getLong(); // FRAME length: frames are only a read-ahead hint
                case '.' -> { // STOP
                    if (stack.size() != 1) throw error("STOP with " + stack.size() + " values on the stack");
                    return stack.get(0);
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 0x8f -> push(new ArrayList<>()); // EMPTY_SET (kept as a list)
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case 0x85 -> push(tupleOf(1)); // TUPLE1
                case 0x86 -> push(tupleOf(2)); // TUPLE2
                case 0x87 -> push(tupleOf(3)); // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'd' -> push(dictOf(popMark())); // DICT
                case 0x91 -> push(new ArrayList<>(popMark())); // FROZENSET (kept as a list)
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    setItems(peek(), Arrays.asList(key, value));
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark();
                    setItems(peek(), kv);
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    appendItems(peek(), java.util.Collections.singletonList(value));
                }
                case 'e', 0x90 -> { // APPENDS, ADDITEMS
                    List<Object> items = popMark();
                    appendItems(peek(), items);
                }
                case 'X' -> push(utf8(lengthU4())); // BINUNICODE
                case 0x8c -> push(utf8(in.get() & 0xff)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length8())); // BINUNICODE8
                case 'T' -> push(latin1(lengthU4())); // BINSTRING
                case 'U' -> push(latin1(in.get() & 0xff)); // SHORT_BINSTRING
                case 'B' -> push(bytes(lengthU4())); // BINBYTES
                case 'C' -> push(bytes(in.get() & 0xff)); // SHORT_BINBYTES
                case 0x8e -> push(bytes(length8())); // BINBYTES8
                case 'J' -> push((long) in.getInt()); // BININT
                case 'K' -> push((long) (in.get() & 0xff)); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                case 0x8a -> push(longBytes(in.get() & 0xff)); // LONG1
                case 0x8b -> push(longBytes(lengthU4())); // LONG4
                case 'G' -> { // BINFLOAT is big-endian
                    in.order(ByteOrder.BIG_ENDIAN);
                    push(in.getDouble());
                    in.order(ByteOrder.LITTLE_ENDIAN);
                }
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'N' -> push(null); // NONE
                case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(in.get() & 0xff)); // BINGET
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL)); // LONG_BINGET
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'c' -> push(new Global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    String name = (String) pop();
                    String module = (String) pop();
                    push(new Global(module, name));
                }
                case 'R' -> { // REDUCE
                    Tuple args = (Tuple) pop();
                    Object callable = pop();
                    push(reduce(callable, args.items()));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Tuple args = (Tuple) pop();
                    Object cls = pop();
                    push(newObject(cls, args.items()));
                }
                case 0x92 -> { // NEWOBJ_EX: keyword arguments are recorded as a last argument
                    Object kwargs = pop();
                    Tuple args = (Tuple) pop();
                    Object cls = pop();
                    List<Object> all = new ArrayList<>(args.items());
                    all.add(kwargs);
                    push(newObject(cls, all));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(peek(), state);
                }
                case 'Q' -> push(persistent(pop())); // BINPERSID
                default -> {
                    in.position(at);
                    throw error("pickle opcode " + opcodeName(op) + " is not one PyTorch writes; the reader refuses it");
                }
            }
        }
    }

    private static String opcodeName(int op) {
        String name = switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            case 'P' -> "PERSID";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 'F' -> "FLOAT";
            case 'S' -> "STRING";
            case 'V' -> "UNICODE";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            default -> "unknown";
        };
        return name + String.format(" (0x%02x)", op);
    }

    // ---- the only places where classes and functions meet data ----

    private Object reduce(Object callable, List<Object> args) throws BadInputException {
        if (!(callable instanceof Global g)) {
            throw error("REDUCE on " + describe(callable) + ", not a class or function name");
        }
        switch (g.qualifiedName()) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                return tensor(args);
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                return args.get(0); // the tensor; requires_grad and hooks do not matter for weights
            }
            case "torch._tensor._rebuild_from_type_v2" -> {
                // (func, type, args, state): a tensor subclass; rebuild the plain tensor, drop the Python state
                return reduce(args.get(0), ((Tuple) args.get(2)).items());
            }
            case "collections.OrderedDict" -> {
                LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof List<?> pairs) {
                    for (Object pair : pairs) {
                        Tuple t = (Tuple) pair;
                        map.put(t.get(0), t.get(1));
                    }
                }
                return map;
            }
            default -> {
                return new InertObject(g.qualifiedName(), args);
            }
        }
    }

    private Object newObject(Object cls, List<Object> args) throws BadInputException {
        if (!(cls instanceof Global g)) {
            throw error("NEWOBJ on " + describe(cls) + ", not a class name");
        }
        if (g.qualifiedName().equals("collections.OrderedDict")) {
            return new LinkedHashMap<>();
        }
        return new InertObject(g.qualifiedName(), args);
    }

    private TorchTensor tensor(List<Object> args) throws BadInputException {
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw error("tensor rebuilt from " + describe(args.get(0)) + " instead of a storage");
        }
        long offset = (Long) args.get(1);
        long[] size = longs((Tuple) args.get(2));
        long[] stride = longs((Tuple) args.get(3));
        if (size.length != stride.length) {
            throw error("tensor with size " + Arrays.toString(size) + " but stride " + Arrays.toString(stride));
        }
        return new TorchTensor(storage, storages.storage(storage), offset, size, stride);
    }

    private Object persistent(Object pid) throws BadInputException {
        if (pid instanceof Tuple t && t.size() == 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global type) {
            String key = String.valueOf(t.get(2));
            long numel = (Long) t.get(4);
            return new StorageRef(type.name(), ElementType.ofTorchStorage(type.name()), key, numel);
        }
        throw error("unsupported persistent id " + describe(pid) + " (only PyTorch storages are read)");
    }

    private void build(Object target, Object state) {
        if (target instanceof InertObject o) {
            o.state = state;
        } else if (target instanceof Map<?, ?> && state instanceof Map<?, ?> s) {
            @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) target;
            m.putAll(s);
        }
        // BUILD on anything else (e.g. a tensor's Python attributes) carries nothing weights need
    }

    private void setItems(Object target, List<Object> keyValues) throws BadInputException {
        if (keyValues.size() % 2 != 0) throw error("SETITEMS with an odd number of values");
        Map<Object, Object> map;
        if (target instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) target;
            map = m;
        } else if (target instanceof InertObject o) {
            map = o.dictItems; // a dict subclass (yacs CfgNode, ...)
        } else {
            throw error("SETITEM on " + describe(target));
        }
        for (int i = 0; i < keyValues.size(); i += 2) {
            map.put(keyValues.get(i), keyValues.get(i + 1));
        }
    }

    private void appendItems(Object target, List<Object> items) throws BadInputException {
        if (target instanceof List<?>) {
            @SuppressWarnings("unchecked") List<Object> l = (List<Object>) target;
            l.addAll(items);
        } else if (target instanceof InertObject o) {
            o.listItems.addAll(items);
        } else {
            throw error("APPEND on " + describe(target));
        }
    }

    // ---- stack, memo and primitive reads ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws BadInputException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) >= stack.size())) {
            throw error("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws BadInputException {
        if (stack.isEmpty()) throw error("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws BadInputException {
        if (marks.isEmpty()) throw error("no MARK on the stack");
        int start = marks.remove(marks.size() - 1);
        List<Object> top = new ArrayList<>(stack.subList(start, stack.size()));
        stack.subList(start, stack.size()).clear();
        return top;
    }

    private Tuple tupleOf(int n) throws BadInputException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = pop();
        return new Tuple(Arrays.asList(items));
    }

    private static Map<Object, Object> dictOf(List<Object> kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) m.put(kv.get(i), kv.get(i + 1));
        return m;
    }

    private Object memoGet(long index) throws BadInputException {
        if (!memo.containsKey(index)) throw error("memo entry " + index + " read before it was written");
        return memo.get(index);
    }

    private int lengthU4() throws BadInputException {
        long n = in.getInt() & 0xffffffffL;
        return checkLength(n);
    }

    private int length8() throws BadInputException {
        return checkLength(in.getLong());
    }

    private int checkLength(long n) throws BadInputException {
        if (n < 0 || n > in.remaining()) throw error("length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private String utf8(int n) {
        byte[] b = bytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private Object longBytes(int n) throws BadInputException {
        if (n > 8) throw error("integer of " + n + " bytes is too large");
        long v = 0;
        for (int i = 0; i < n; i++) v |= (in.get() & 0xffL) << (8 * i);
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) v |= -1L << (8 * n); // two's complement sign
        return v;
    }

    private String line() throws BadInputException {
        int start = in.position();
        while (in.get() != '\n') {
            if (in.position() - start > 1000) throw error("GLOBAL name too long");
        }
        byte[] b = Arrays.copyOfRange(in.array(), start, in.position() - 1);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long[] longs(Tuple t) {
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Long) t.get(i);
        return out;
    }

    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof InertObject io) return "a " + io.className + " object";
        if (o instanceof Global g) return "the name " + g.qualifiedName();
        return "a " + o.getClass().getSimpleName();
    }
}
