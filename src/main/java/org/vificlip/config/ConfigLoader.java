package org.vificlip.config;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vificlip.BadInputException;
import org.vificlip.config.ConfigSchema.Kind;

/**
 * Merges YAML files and {@code --opts} into the defaults as ViFi-CLIP's {@code _update_config_from_file}
 * and yacs's {@code merge_from_file} / {@code merge_from_list} do: BASE files first, then the file;
 * only declared keys; every string literal_eval'd; each value type-checked against the default's type.
 */
final class ConfigLoader {
    /** Where a value came from: the file errors are reported against, and a note for the message. */
    record Origin(Path file, String note) {
        static Origin file(Path file) {
            return new Origin(file, "");
        }

        BadInputException error(String key, String problem) {
            return new BadInputException(file, key + ": " + problem + note);
        }

        /** For a value of the right type but out of range: "KEY = value: problem". */
        BadInputException badValue(String key, Object value, String problem) {
            return new BadInputException(file, key + " = " + show(value) + ": " + problem + note);
        }
    }

    /** What --opts errors name instead of a file. */
    static final Origin OPTS = new Origin(Path.of("--opts"), "");

    /** An int, float or number-like string for a float key; no inf/nan (a learning rate is finite). */
    private static final Pattern PLAIN_NUMBER =
            Pattern.compile("[-+]?(?:[0-9](?:_?[0-9])*(?:\\.(?:[0-9](?:_?[0-9])*)?)?|\\.[0-9](?:_?[0-9])*)(?:[eE][-+]?[0-9]+)?");

    final LinkedHashMap<String, Object> values;
    /** Leaf key -> where its value was last set; keys still at their default are absent. */
    final Map<String, Origin> origins;
    /** Files being merged, outermost first, as canonical paths: a file seen twice here is a cycle. */
    private final Deque<Path> including = new ArrayDeque<>();
    private final Deque<Path> includingAsGiven = new ArrayDeque<>();

    ConfigLoader() {
        this(ConfigSchema.defaults(), new HashMap<>());
    }

    ConfigLoader(Map<String, Object> values, Map<String, Origin> origins) {
        this.values = ConfigSchema.deepCopy(values);
        this.origins = new HashMap<>(origins);
    }

    Origin originOf(String key, Path fallback) {
        return origins.getOrDefault(key, Origin.file(fallback));
    }

    // ---------------------------------------------------------------------------------------------
    // files

    /** Merges {@code file}, its BASE files first (recursively, relative to the file's folder). */
    void mergeFile(Path file, Path includedBy) throws BadInputException {
        Path id = identity(file);
        if (including.contains(id)) {
            List<Path> chain = new ArrayList<>(includingAsGiven);
            List<Path> ids = new ArrayList<>(including);
            String cycle = chain.subList(ids.indexOf(id), chain.size()).stream()
                    .map(Path::toString).collect(Collectors.joining(" -> "));
            throw new BadInputException(includedBy, "BASE include cycle: " + cycle + " -> " + file);
        }
        Map<?, ?> doc = PyYaml.readMapping(file, includedBy);
        Origin origin = Origin.file(file);
        including.addLast(id);
        includingAsGiven.addLast(file);
        try {
            if (doc.containsKey("BASE")) {
                // ViFi-CLIP walks the list as the YAML gives it (no literal_eval), before merging anything
                @SuppressWarnings("unchecked")
                List<String> bases = (List<String>) coerce("BASE", Kind.STR_LIST, doc.get("BASE"), origin);
                for (String name : bases) {
                    if (!name.isEmpty()) {
                        mergeFile(resolveInclude(file, name, origin), file);
                    }
                }
            }
            mergeMapping(doc, "", origin);
        } finally {
            including.removeLast();
            includingAsGiven.removeLast();
        }
    }

    /** os.path.join(os.path.dirname(including), name): an absolute name stays as it is. */
    private static Path resolveInclude(Path including, String name, Origin origin) throws BadInputException {
        Path p;
        try {
            p = Path.of(name);
        } catch (InvalidPathException e) {
            throw origin.error("BASE", "not a file name: " + PythonLiteral.repr(name));
        }
        Path dir = including.getParent();
        return dir == null ? p : dir.resolve(p);
    }

    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private void mergeMapping(Map<?, ?> map, String prefix, Origin origin) throws BadInputException {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = String.valueOf(e.getKey());
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            Kind kind = e.getKey() instanceof String ? ConfigSchema.kind(key) : null;
            if (kind == null) {
                throw unknownKey(key, origin);
            }
            Object v = e.getValue();
            if (v instanceof String s) {
                // yacs literal_evals file strings as well as --opts. That is also how "LR: 1e-4" works:
                // PyYAML's YAML 1.1 floats need a dot, so 1e-4 reaches yacs as the string '1e-4'.
                v = PythonLiteral.decode(s);
            }
            if (kind == Kind.SECTION) {
                if (!(v instanceof Map<?, ?> sub)) {
                    throw typeError(key, kind, v, origin);
                }
                mergeMapping(sub, key, origin);
            } else {
                put(key, coerce(key, kind, v, origin), origin);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // --opts and single values

    /** yacs's merge_from_list: KEY VALUE pairs, each value literal_eval'd. */
    void mergeOpts(List<String> opts) throws BadInputException {
        if (opts.size() % 2 != 0) {
            throw new BadInputException(OPTS.file(), "expected KEY VALUE pairs, got an odd number of values ("
                    + opts.size() + "): " + String.join(" ", opts));
        }
        for (int i = 0; i < opts.size(); i += 2) {
            set(opts.get(i), PythonLiteral.decode(opts.get(i + 1)), OPTS);
        }
    }

    /** Sets one leaf key, type-checked; the value is used as given (no literal_eval). */
    void set(String key, Object value, Origin origin) throws BadInputException {
        Kind kind = ConfigSchema.kind(key);
        if (kind == null) {
            throw unknownKey(key, origin);
        }
        if (kind == Kind.SECTION) {
            throw origin.error(key, "is a section, not a value: set its keys one by one (e.g. "
                    + firstLeafUnder(key) + ")");
        }
        put(key, coerce(key, kind, value, origin), origin);
    }

    private void put(String key, Object value, Origin origin) {
        ConfigSchema.parentOf(values, key).put(ConfigSchema.lastPart(key), value);
        origins.put(key, origin);
    }

    private static String firstLeafUnder(String section) {
        return ConfigSchema.leafKeys().stream().filter(k -> k.startsWith(section + ".")).findFirst().orElse(section);
    }

    private static BadInputException unknownKey(String key, Origin origin) {
        String similar = ConfigSchema.caseInsensitiveMatch(key);
        return origin.error(key, "unknown config key (ViFi-CLIP's utils/config.py has no such key"
                + (similar != null && !similar.equals(key) ? "; did you mean " + similar + "?)" : ")"));
    }

    // ---------------------------------------------------------------------------------------------
    // types

    /**
     * yacs's _check_and_coerce_cfg_value_type: the value must have the default's type (bool is not an
     * int); a tuple may replace a list. Differences, on purpose: an int is accepted for a float (yacs
     * refuses LR: 1 for a float default); None is accepted only where the default is None (yacs takes
     * None for any key, which would only fail later); list elements must be strings.
     */
    static Object coerce(String key, Kind kind, Object v, Origin origin) throws BadInputException {
        switch (kind) {
            case INT, LONG -> {
                if (isInteger(v)) {
                    BigInteger b = toBigInteger(v);
                    int bits = kind == Kind.INT ? 32 : 64;
                    if (b.bitLength() >= bits) {
                        throw origin.error(key, "expected int, got " + show(v) + ": out of range for a "
                                + bits + "-bit integer");
                    }
                    return kind == Kind.INT ? (Object) b.intValue() : (Object) b.longValue();
                }
            }
            case FLOAT -> {
                if (isInteger(v)) {
                    return toBigInteger(v).doubleValue();
                }
                if (v instanceof Double || v instanceof Float) {
                    return ((Number) v).doubleValue();
                }
                if (v instanceof String s && PLAIN_NUMBER.matcher(s.strip()).matches()) {
                    // Only Java callers (with()) get here: file and --opts strings are literal_eval'd first.
                    return Double.parseDouble(s.strip().replace("_", ""));
                }
            }
            case BOOL -> {
                if (v instanceof Boolean) {
                    return v;
                }
            }
            case STR -> {
                if (v instanceof String) {
                    return v;
                }
            }
            case STR_OR_NONE -> {
                if (v == null || v instanceof String) {
                    return v;
                }
            }
            case STR_LIST -> {
                if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
                    List<Object> copy = new ArrayList<>(list);
                    return copy;
                }
            }
            case SECTION -> {
            }
        }
        throw typeError(key, kind, v, origin);
    }

    private static BadInputException typeError(String key, Kind kind, Object v, Origin origin) {
        return origin.error(key, "expected " + kind.pythonName + ", got " + show(v) + " (" + pythonType(v) + ")");
    }

    private static boolean isInteger(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger;
    }

    private static BigInteger toBigInteger(Object v) {
        return v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
    }

    /** The Python type name of a value as YAML or literal_eval gives it. */
    static String pythonType(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (isInteger(v)) {
            return "int";
        }
        if (v instanceof Double || v instanceof Float) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof Map<?, ?>) {
            return "dict";
        }
        if (v instanceof Set<?>) {
            return "set";
        }
        if (v instanceof PythonLiteral.Other o) {
            return o.pythonType();
        }
        if (v instanceof Date) {
            return "datetime";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        return v.getClass().getSimpleName();
    }

    /** A value as Python would print it, shortened for a message. */
    static String show(Object v) {
        String s;
        if (v == null) {
            s = "None";
        } else if (v instanceof Boolean b) {
            s = b ? "True" : "False";
        } else if (v instanceof Double d) {
            s = PythonLiteral.reprFloat(d);
        } else if (v instanceof String str) {
            s = PythonLiteral.repr(str);
        } else if (v instanceof List<?> list) {
            s = list.stream().map(ConfigLoader::show).collect(Collectors.joining(", ", "[", "]"));
        } else if (v instanceof Map<?, ?> map) {
            s = map.entrySet().stream().map(e -> show(e.getKey()) + ": " + show(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        } else {
            s = String.valueOf(v);
        }
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
