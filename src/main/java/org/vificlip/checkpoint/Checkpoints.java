package org.vificlip.checkpoint;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vificlip.BadInputException;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.PromptConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads CLIP weights from the files users hold, without Python:
 * <ul>
 *   <li>PyTorch zip checkpoints: a {@code torch.save(state_dict)} file, or a TorchScript archive such as
 *       OpenAI's released {@code ViT-B-16.pt};</li>
 *   <li>a {@code .safetensors} file, or a Hugging Face directory ({@code model.safetensors} +
 *       {@code config.json}, transformers' {@code CLIPModel} names);</li>
 *   <li>a ViFi-CLIP training checkpoint laid over base weights ({@link #loadFineTuned}).</li>
 * </ul>
 * The format is recognised by content, not by file name. Every result is float32 under OpenAI's key
 * names and checked against the architecture the weights imply ({@link ClipConfig#infer}).
 */
public final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    /**
     * Integer scalars OpenAI's TorchScript models carry as attributes; {@code build_model} deletes them
     * because the architecture follows from the weights.
     */
    private static final Set<String> OPENAI_METADATA = Set.of("input_resolution", "context_length", "vocab_size");

    /** How many offending keys an error message lists. */
    private static final int KEYS_SHOWN = 5;

    private Checkpoints() {
    }

    /**
     * Reads CLIP weights from a PyTorch zip checkpoint, a safetensors file or a Hugging Face directory.
     *
     * @return every parameter of the model, float32, under OpenAI's names
     * @throws BadInputException naming {@code weights} if it is missing, unreadable, of an unknown format,
     *                           or lacks or mis-shapes a parameter the architecture needs
     */
    public static StateDict load(Path weights) throws IOException {
        long start = System.nanoTime();
        log.info("Loading weights from {}", weights);
        try (WeightFile file = WeightFile.open(weights)) {
            StateDict result = toStateDict(weights, file.weights());
            log.info("Loaded {} tensors from {} ({}) in {} ms", result.tensors().size(), weights, file.format(),
                    (System.nanoTime() - start) / 1_000_000);
            return result;
        }
    }

    /**
     * Names the format {@link #load} recognises in a file or directory ({@code "TorchScript archive"},
     * {@code "torch.save zip"}, {@code "safetensors"}, {@code "Hugging Face safetensors"}, ...), reading
     * only its header and pickle.
     */
    public static String format(Path weights) throws IOException {
        try (WeightFile file = WeightFile.open(weights)) {
            return file.format();
        }
    }

    /**
     * Base weights with a ViFi-CLIP training checkpoint laid over them, as ViFi-CLIP's
     * {@code utils/tools.py load_checkpoint} does ({@code load_state_dict(strict=False)} on the ViFi-CLIP
     * model): every checkpoint tensor that names a base parameter replaces it; base parameters the checkpoint
     * lacks (the token embedding) keep their base value.
     *
     * @param base               OpenAI CLIP weights in any format {@link #load} reads
     * @param vificlipCheckpoint {@code {'model': {'module.image_encoder....': ...}, 'optimizer': ..., ...}}
     */
    public static StateDict loadFineTuned(Path base, Path vificlipCheckpoint) throws IOException {
        return overlay(load(base), vificlipCheckpoint).weights();
    }

    /** {@link #loadFineTuned} with the report of what was replaced, skipped and left over. */
    public static ViFiClipCheckpoint.Overlay overlay(StateDict base, Path vificlipCheckpoint) throws IOException {
        return ViFiClipCheckpoint.overlay(base, vificlipCheckpoint);
    }

    /** Validates named weights against the architecture they imply and converts them to float32. */
    static StateDict toStateDict(Path source, PickledWeights weights) throws IOException {
        Map<String, TensorSource> tensors = new LinkedHashMap<>(weights.tensors());
        OPENAI_METADATA.forEach(tensors::remove);
        rejectTrainingCheckpoint(source, tensors.keySet());

        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        ClipConfig config;
        try {
            config = ClipConfig.infer(shapes, source);
        } catch (BadInputException e) {
            throw refusedOr(source, weights.refused(), e);
        }
        Map<String, long[]> expected = config.expectedShapes();

        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorSource t = tensors.get(e.getKey());
            if (t == null) {
                String refusedClass = weights.refused().get(e.getKey());
                if (refusedClass != null) throw refused(source, e.getKey(), refusedClass);
                missing.add(e.getKey());
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                misshaped.add("'" + e.getKey() + "' expected " + Arrays.toString(e.getValue()) + ", found "
                        + Arrays.toString(t.shape()));
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(source, missing.size() + " missing key(s) for " + describe(config) + ": "
                    + firstFew(missing));
        }
        if (!misshaped.isEmpty()) {
            throw new BadInputException(source, misshaped.size() + " mis-shaped key(s) for " + describe(config) + ": "
                    + firstFew(misshaped));
        }
        for (String key : tensors.keySet()) {
            if (!expected.containsKey(key) && !PromptConfig.isPromptKey(key)) log.debug("{}: ignoring extra key '{}'", source, key);
        }

        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String key : expected.keySet()) {
            out.put(key, materialise(source, key, tensors.get(key)));
        }
        // ViFi-CLIP's prompt parameters, as `export` writes them for a prompted model
        for (String key : tensors.keySet()) {
            if (PromptConfig.isPromptKey(key)) out.put(key, materialise(source, key, tensors.get(key)));
        }
        return new StateDict(source, out);
    }

    /** Reads one tensor's values into a float32 INDArray of its shape. */
    static INDArray materialise(Path source, String key, TensorSource t) throws BadInputException {
        String unsupported = t.unsupportedReason();
        if (unsupported != null) {
            throw new BadInputException(source, "tensor '" + key + "': " + unsupported);
        }
        float[] values;
        try {
            values = t.readFloats();
        } catch (BadInputException e) {
            throw e;
        } catch (IOException e) {
            throw new BadInputException(source, "tensor '" + key + "': " + e.getMessage(), e);
        }
        long[] shape = t.shape();
        if (shape.length == 0) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.scalar(values[0]);
            }
        }
        // Weights outlive any workspace a caller may have open; one bulk copy into fresh off-heap memory
        // (Nd4j.create(float[]) copies element by element, several times slower on large tensors).
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            array.data().asNioFloat().put(values);
            return array;
        }
    }

    private static void rejectTrainingCheckpoint(Path source, Set<String> keys) throws BadInputException {
        boolean vificlip = keys.stream().anyMatch(k -> k.startsWith("module.image_encoder.") || k.startsWith("image_encoder."));
        if (vificlip && !keys.contains("token_embedding.weight")) {
            throw new BadInputException(source, "a ViFi-CLIP training checkpoint (image_encoder.*/text_encoder.* keys, "
                    + "no token embedding): give it as the checkpoint laid over base CLIP weights (--checkpoint), "
                    + "not as the weights");
        }
    }

    /** If inference failed on a key that holds a refused object, says so rather than "missing". */
    private static BadInputException refusedOr(Path source, Map<String, String> refused, BadInputException e) {
        for (Map.Entry<String, String> r : refused.entrySet()) {
            if (e.getMessage().contains("'" + r.getKey() + "'")) return refused(source, r.getKey(), r.getValue());
        }
        return e;
    }

    private static BadInputException refused(Path source, String key, String className) {
        return new BadInputException(source, "key '" + key + "' holds a " + className
                + " object, which the reader refuses to build into a tensor (only plain tensors are read)");
    }

    private static String describe(ClipConfig c) {
        return "the architecture the weights imply (vision width " + c.visionWidth() + ", " + c.visionLayers()
                + " layers, patch " + c.visionPatchSize() + ", resolution " + c.imageResolution() + "; text width "
                + c.textWidth() + ", " + c.textLayers() + " layers; embedding " + c.embedDim() + ")";
    }

    static String firstFew(List<String> items) {
        String shown = String.join("; ", items.subList(0, Math.min(KEYS_SHOWN, items.size())));
        return items.size() > KEYS_SHOWN ? shown + "; ... (" + (items.size() - KEYS_SHOWN) + " more)" : shown;
    }
}
