package org.vificlip.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.model.ClipModel;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable weights as the driver holds them after an update, broadcast to the executors. {@code version}
 * grows with every update, so an executor copies them into its model only when they changed.
 */
public record ModelWeights(long version, Map<String, float[]> values) implements Serializable {
    public static ModelWeights of(ClipModel model, List<String> keys, long version) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String key : keys) {
            values.put(key, flat(model.parameter(key)));
        }
        return new ModelWeights(version, values);
    }

    /** An array's elements in C order, as a new float[] (any rank). */
    static float[] flat(INDArray a) {
        try (INDArray copy = a.dup('c')) {
            return copy.reshape(copy.length()).toFloatVector();
        }
    }

    /** Copies the weights into the model's own arrays (the graph reads those). */
    void applyTo(ClipModel model) {
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            INDArray target = model.parameter(e.getKey());
            try (INDArray source = org.nd4j.linalg.factory.Nd4j.create(e.getValue(), target.shape(), target.dataType())) {
                target.assign(source);
            }
        }
    }
}
