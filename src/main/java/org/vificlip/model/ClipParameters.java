package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.StateDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * CLIP's weights as trainable SameDiff variables named by their OpenAI keys, so gradients and
 * optimiser state come back under the names the checkpoints use.
 * <p>
 * {@code token_embedding.weight} is the one exception: it stays a plain array looked up outside the
 * graph ({@link TextInputs}) because ND4J M2.1 cannot differentiate a gather and ViFi-CLIP does
 * not train it anyway.
 */
final class ClipParameters {
    static final String TOKEN_EMBEDDING = "token_embedding.weight";

    private final SameDiff sd;
    private List<String> trainable;
    /** Every weight in the graph, trainable or frozen (prompt parameters last). */
    private final List<String> all;
    /** For a {@link #shareInto} view: the model's parameters, declared here on first use. */
    private ClipParameters source;

    private ClipParameters(SameDiff sd, List<String> trainable) {
        this.sd = sd;
        this.trainable = trainable;
        this.all = new ArrayList<>(trainable);
    }

    /**
     * Checks every key of {@code config.expectedShapes()} is present with that shape, then declares one
     * float32 variable per trainable parameter in {@code sd}.
     *
     * @throws BadInputException naming the weights' source for a missing or mis-shaped key
     */
    static ClipParameters declare(SameDiff sd, ClipConfig config, StateDict weights) throws BadInputException {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, long[]> e : config.expectedShapes().entrySet()) {
            String key = e.getKey();
            INDArray value = checked(weights, key, e.getValue());
            if (key.equals(TOKEN_EMBEDDING)) {
                continue;
            }
            sd.var(key, ownFloat(value));
            names.add(key);
        }
        return new ClipParameters(sd, Collections.unmodifiableList(names));
    }

    /**
     * Declares further trainable parameters (prompt tokens), each read from {@code weights} and checked
     * against its shape.
     *
     * @throws BadInputException naming the weights' source for a missing or mis-shaped key
     */
    void declareMore(Map<String, long[]> shapes, StateDict weights) throws BadInputException {
        List<String> names = new ArrayList<>(trainable);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            sd.var(e.getKey(), ownFloat(checked(weights, e.getKey(), e.getValue())));
            names.add(e.getKey());
            all.add(e.getKey());
        }
        trainable = Collections.unmodifiableList(names);
    }

    /** @throws BadInputException naming the weights' source if {@code key} is missing or not of {@code shape} */
    private static INDArray checked(StateDict weights, String key, long[] shape) throws BadInputException {
        INDArray value = weights.get(key);
        if (value == null) {
            throw new BadInputException(weights.source(), "missing key '" + key + "'");
        }
        if (!Arrays.equals(value.shape(), shape)) {
            throw new BadInputException(weights.source(), "key '" + key + "' has shape "
                    + Arrays.toString(value.shape()) + ", expected " + Arrays.toString(shape));
        }
        return value;
    }

    /** float32, c-order, own buffer: the graph updates it in place when training. */
    private static INDArray ownFloat(INDArray value) {
        INDArray array = value.dataType() == DataType.FLOAT ? value : value.castTo(DataType.FLOAT);
        return array.isView() || array.ordering() != 'c' ? array.dup('c') : array;
    }

    /** Every weight of the graph, frozen or not: what a checkpoint holds. */
    List<String> all() {
        return Collections.unmodifiableList(all);
    }

    /**
     * The same parameters for another graph, on the same arrays (no copy: an in-place update reaches
     * every graph). Each is declared in {@code target} when first asked for, so a graph holds only the
     * parameters its ops read: trainable ones as variables, frozen ones as constants.
     */
    ClipParameters shareInto(SameDiff target) {
        ClipParameters shared = new ClipParameters(target, trainable);
        shared.source = this;
        return shared;
    }

    SDVariable get(String key) {
        if (source != null && !sd.hasVariable(key)) {
            INDArray array = source.get(key).getArr();
            return trainable.contains(key) ? sd.var(key, array) : sd.constant(key, array);
        }
        SDVariable v = sd.getVariable(key);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + key + "'");
        }
        return v;
    }

    /** The trainable parameters' keys, in the order of {@link ClipConfig#expectedShapes()}. */
    List<String> trainable() {
        return trainable;
    }

    /**
     * Turns these parameters into constants of the graph, so SameDiff's backward pass neither computes
     * their gradients nor differentiates ops that only they feed (ViFi-CLIP's frozen tower).
     */
    void freeze(Collection<String> keys) {
        List<SDVariable> variables = new ArrayList<>();
        for (String key : keys) {
            if (!trainable.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is not a trainable parameter");
            }
            variables.add(get(key));
        }
        sd.convertToConstants(variables);
        List<String> rest = new ArrayList<>(trainable);
        rest.removeAll(keys);
        trainable = Collections.unmodifiableList(rest);
    }
}
