package org.vificlip.checkpoint;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vificlip.BadInputException;
import org.vificlip.model.PromptConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A ViFi-CLIP training checkpoint ({@code utils/tools.py epoch_saving}: {@code {'model': state_dict,
 * 'optimizer', 'lr_scheduler', 'max_accuracy', 'epoch', 'config'}}) laid over base CLIP weights.
 *
 * <p>The state dict is that of ViFi-CLIP's {@code ViFiCLIP} module (trainers/vificlip.py), usually under
 * DistributedDataParallel's {@code module.} prefix: {@code image_encoder} is CLIP's {@code visual};
 * {@code text_encoder} is a {@code TextEncoder} holding CLIP's {@code transformer},
 * {@code positional_embedding}, {@code ln_final} and {@code text_projection} under their own names;
 * {@code logit_scale} is CLIP's very parameter (so it is loaded too); the token embedding is not in it.
 * As in {@code load_checkpoint}, the prompt learner's cached {@code token_prefix}, {@code token_suffix} and
 * {@code complete_text_embeddings} are dropped, and loading is non-strict.
 */
public final class ViFiClipCheckpoint {

    private static final Logger log = LoggerFactory.getLogger(ViFiClipCheckpoint.class);

    /** Deleted by ViFi-CLIP's load_checkpoint before loading: embeddings of the training class prompts. */
    private static final Set<String> DROPPED = Set.of("prompt_learner.token_prefix", "prompt_learner.token_suffix",
            "prompt_learner.complete_text_embeddings");

    /**
     * The result of laying a checkpoint over base weights.
     *
     * @param weights   the base weights with every matching checkpoint tensor replacing the base one
     * @param replaced  OpenAI names of the base parameters the checkpoint replaced
     * @param skipped   checkpoint keys deliberately not loaded (prompt caches ViFi-CLIP drops too)
     * @param unmatched checkpoint tensors that name no base parameter, under their mapped names, read as
     *                  float32; those that are ViFi-CLIP prompt parameters ({@code prompt_learner.ctx},
     *                  {@code visual.VPT}, {@code ...VPT_shallow}) are in {@code weights} too
     */
    public record Overlay(StateDict weights, List<String> replaced, List<String> skipped,
                          Map<String, INDArray> unmatched) {
    }

    private ViFiClipCheckpoint() {
    }

    /** The base-model name a ViFi-CLIP state-dict key stands for, or null if it is dropped. */
    static String openAiName(String key) {
        if (DROPPED.contains(ViFiClipNames.withoutDdpPrefix(key))) return null;
        return ViFiClipNames.toOpenAi(key);
    }

    static Overlay overlay(StateDict base, Path checkpoint) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new BadInputException(checkpoint, Files.exists(checkpoint) ? "not a file" : "no such file");
        }
        try (TorchZipArchive archive = openZip(checkpoint)) {
            Object root = archive.readDataPickle();
            if (!(root instanceof Map<?, ?> top)) {
                throw new BadInputException(checkpoint, "holds " + RestrictedUnpickler.describe(root)
                        + ", not a ViFi-CLIP checkpoint dict {'model': ..., ...}");
            }
            Object model = top.containsKey("model") ? top.get("model") : top;
            if (!(model instanceof Map<?, ?> stateDict)) {
                throw new BadInputException(checkpoint, "'model' holds " + RestrictedUnpickler.describe(model)
                        + ", not a state dict");
            }
            PickledWeights w = PickledWeights.ofStateDict(stateDict);
            if (w.tensors().isEmpty()) {
                throw new BadInputException(checkpoint, "no tensors in the checkpoint's 'model' state dict");
            }
            return apply(base, checkpoint, w.tensors(), w.refused());
        }
    }

    private static TorchZipArchive openZip(Path checkpoint) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(checkpoint)) {
            head = in.readNBytes(4);
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
            throw new BadInputException(checkpoint, "not a PyTorch zip checkpoint (a ViFi-CLIP checkpoint is a torch.save file)");
        }
        return TorchZipArchive.open(checkpoint);
    }

    private static Overlay apply(StateDict base, Path checkpoint, Map<String, TensorSource> tensors,
                                 Map<String, String> refused) throws IOException {
        Map<String, INDArray> merged = new LinkedHashMap<>(base.tensors());
        List<String> replaced = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, INDArray> unmatched = new LinkedHashMap<>();
        List<String> misshaped = new ArrayList<>();
        for (Map.Entry<String, TensorSource> e : tensors.entrySet()) {
            String name = openAiName(e.getKey());
            if (name == null) {
                skipped.add(e.getKey());
                continue;
            }
            INDArray current = merged.get(name);
            if (current == null) {
                INDArray value = Checkpoints.materialise(checkpoint, e.getKey(), e.getValue());
                unmatched.put(name, value);
                if (PromptConfig.isPromptKey(name)) {
                    merged.put(name, value); // the model commands build ViFi-CLIP's prompts from them
                }
                continue;
            }
            if (!Arrays.equals(current.shape(), e.getValue().shape())) {
                misshaped.add("'" + e.getKey() + "' (for '" + name + "') expected " + Arrays.toString(current.shape())
                        + ", found " + Arrays.toString(e.getValue().shape()));
                continue;
            }
            merged.put(name, Checkpoints.materialise(checkpoint, e.getKey(), e.getValue()));
            replaced.add(name);
        }
        if (!misshaped.isEmpty()) {
            throw new BadInputException(checkpoint, misshaped.size() + " tensor(s) do not fit the base model "
                    + base.source() + ": " + Checkpoints.firstFew(misshaped));
        }
        for (Map.Entry<String, String> r : refused.entrySet()) {
            String name = openAiName(r.getKey());
            if (name != null && merged.containsKey(name)) {
                throw new BadInputException(checkpoint, "key '" + r.getKey() + "' holds a " + r.getValue()
                        + " object, which the reader refuses to build into a tensor (only plain tensors are read)");
            }
        }
        if (replaced.isEmpty() && unmatched.keySet().stream().noneMatch(PromptConfig::isPromptKey)) {
            throw new BadInputException(checkpoint, "none of its " + tensors.size() + " tensors names a parameter of "
                    + "the base model (expected module.image_encoder.*, module.text_encoder.*)");
        }
        List<String> kept = new ArrayList<>(base.tensors().keySet());
        kept.removeAll(replaced);
        log.info("{}: replaced {} of {} base tensors; kept from {}: {}; skipped {}; not in the base model: {}",
                checkpoint, replaced.size(), base.tensors().size(), base.source(), kept, skipped, unmatched.keySet());
        return new Overlay(new StateDict(checkpoint, merged), replaced, skipped, unmatched);
    }
}
