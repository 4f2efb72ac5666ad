package org.vificlip.checkpoint;

import org.vificlip.BadInputException;
import org.vificlip.checkpoint.PickleValues.InertObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named tensors found in an unpickled checkpoint: a {@code torch.save} state dict (a dict of name →
 * tensor), or a TorchScript module tree, flattened to state-dict names from the attribute paths
 * ({@code visual} → {@code transformer} → {@code resblocks} → {@code 0} → {@code attn} →
 * {@code in_proj_weight} gives {@code visual.transformer.resblocks.0.attn.in_proj_weight}), as
 * {@code module.state_dict()} would name them.
 *
 * @param tensors name → tensor
 * @param refused name → class of entries that hold an object the reader would not build into a tensor
 */
record PickledWeights(Map<String, TensorSource> tensors, Map<String, String> refused) {

    static PickledWeights empty() {
        return new PickledWeights(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    /** Reads a torch.save'd dict whose values are tensors; other values are ignored, objects recorded as refused. */
    static PickledWeights ofStateDict(Map<?, ?> dict) {
        PickledWeights w = empty();
        dict.forEach((k, v) -> w.add(String.valueOf(k), v));
        return w;
    }

    /** Walks a TorchScript module tree ({@code __torch__.*} objects whose BUILD state holds parameters and submodules). */
    static PickledWeights ofModuleTree(InertObject root) {
        PickledWeights w = empty();
        w.walkModule(root, "");
        return w;
    }

    /**
     * Finds the weights in whatever {@code data.pkl} held: a state dict, a TorchScript module, or a training
     * checkpoint dict with the state dict under {@code state_dict} or {@code model}.
     */
    static PickledWeights of(Object root, Path source) throws BadInputException {
        if (root instanceof InertObject o && isModule(o)) {
            return ofModuleTree(o);
        }
        if (root instanceof Map<?, ?> map) {
            PickledWeights direct = ofStateDict(map);
            if (!direct.tensors.isEmpty()) return direct;
            for (String nested : new String[]{"state_dict", "model", "module"}) {
                if (map.get(nested) instanceof Map<?, ?> inner) return ofStateDict(inner);
            }
            if (!direct.refused.isEmpty()) return direct;
            throw new BadInputException(source, "data.pkl holds a dict without tensors (keys " + map.keySet() + ")");
        }
        throw new BadInputException(source, "data.pkl holds " + RestrictedUnpickler.describe(root)
                + ", not a state dict or a TorchScript module");
    }

    private static boolean isModule(InertObject o) {
        return o.className.startsWith("__torch__.") && o.state instanceof Map<?, ?>;
    }

    private void add(String key, Object value) {
        if (value instanceof TorchTensor t) {
            tensors.put(key, t);
        } else if (value instanceof InertObject o) {
            refused.put(key, o.className);
        }
        // numbers, strings, None: metadata, not weights
    }

    private void walkModule(InertObject module, String prefix) {
        ((Map<?, ?>) module.state).forEach((k, v) -> {
            String name = prefix + k;
            if (v instanceof InertObject child && isModule(child)) {
                walkModule(child, name + ".");
            } else {
                add(name, v);
            }
        });
    }
}
