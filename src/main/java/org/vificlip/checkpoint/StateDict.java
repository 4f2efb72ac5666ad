package org.vificlip.checkpoint;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model weights as loaded from a file: float32 tensors under OpenAI CLIP's key names
 * ({@code visual.transformer.resblocks.0.attn.in_proj_weight}, {@code token_embedding.weight}, ...),
 * whatever format they came from.
 *
 * @param source the file (or directory) they were read from, for error messages
 */
public record StateDict(Path source, Map<String, INDArray> tensors) {

    public INDArray get(String key) {
        return tensors.get(key);
    }

    /** Key to shape, for architecture inference and validation. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        return shapes;
    }
}
