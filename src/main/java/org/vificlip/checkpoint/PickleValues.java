package org.vificlip.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link RestrictedUnpickler} builds. Besides Java's plain values (String, Long, Double,
 * Boolean, null, byte[], {@code List}, {@code Map}) a pickle yields only these inert records:
 * nothing a file names is ever looked up, loaded or run.
 */
final class PickleValues {
    private PickleValues() {
    }

    /** A tuple (kept apart from lists only for readable messages). */
    record Tuple(List<Object> items) {
        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** A {@code GLOBAL module name} reference: just the two names. */
    record Global(String module, String name) {
        String qualifiedName() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return qualifiedName();
        }
    }

    /**
     * An instance of a class the reader does not build: its class name, constructor arguments, the state
     * {@code BUILD} gave it, and items/elements added as if it were a dict/list (e.g. {@code yacs}'
     * {@code CfgNode}, a dict subclass). TorchScript modules ({@code __torch__.*}) arrive as these, their
     * parameters in {@link #state}.
     */
    static final class InertObject {
        final String className;
        final List<Object> args;
        Object state;
        final Map<Object, Object> dictItems = new LinkedHashMap<>();
        final List<Object> listItems = new ArrayList<>();

        InertObject(String className, List<Object> args) {
            this.className = className;
            this.args = args;
        }

        @Override
        public String toString() {
            return "<" + className + " object>";
        }
    }

    /** A storage named by a persistent id: {@code ('storage', torch.HalfStorage, '3', 'cpu', 128)}. */
    record StorageRef(String storageClass, ElementType type, String key, long numel) {
    }
}
