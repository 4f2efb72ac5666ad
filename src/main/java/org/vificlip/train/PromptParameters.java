package org.vificlip.train;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.PromptConfig;
import org.vificlip.text.ClipTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt parameters of a {@code PROMPT_MODEL: True} config: its design, and the weights to start from.
 * A run starts from the prompts the weights already hold (a checkpoint of an earlier prompt run given with
 * {@code --checkpoint}, as ViFi-CLIP's non-strict load of {@code MODEL.RESUME} does) or, if they hold none,
 * from fresh ones drawn as ViFi-CLIP draws them: every prompt N(0, 0.02), except the text context, which
 * takes the embeddings of {@code CTX_INIT}'s first words when {@code N_CTX_TEXT} ≤ 4.
 */
public final class PromptParameters {
    static final double INIT_STD = 0.02;

    private PromptParameters() {
    }

    /**
     * The config's prompt design, or null when it does not learn prompts.
     *
     * @throws BadInputException naming the config for a design ViFi-CLIP refuses
     */
    public static PromptConfig design(ViFiClipConfig config) throws BadInputException {
        ViFiClipConfig.ViFiClip t = config.trainer();
        if (!t.promptModel()) {
            return null;
        }
        if (t.zsEval()) {
            throw new BadInputException(config.source(), "TRAINER.ViFi_CLIP.ZS_EVAL and PROMPT_MODEL are both True:"
                    + " zero-shot evaluation is of CLIP without prompts (set one of them False)");
        }
        try {
            return designOf(config);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(config.source(), "TRAINER.ViFi_CLIP: " + e.getMessage());
        }
    }

    /** {@link #design} of a config already checked by it. */
    static PromptConfig designOf(ViFiClipConfig config) {
        ViFiClipConfig.ViFiClip t = config.trainer();
        return t.promptModel()
                ? new PromptConfig(t.nCtxText(), t.nCtxVision(), t.promptDepthText(), t.promptDepthVision(), t.ctxInit())
                : null;
    }

    /**
     * {@code weights} with the prompts to train from: those they hold, or fresh ones seeded by {@code seed}.
     *
     * @throws BadInputException naming the weights when they hold prompts of another design
     */
    public static StateDict forTraining(StateDict weights, ClipConfig model, PromptConfig design, long seed)
            throws BadInputException {
        if (held(weights, model, design)) {
            return weights;
        }
        Map<String, INDArray> tensors = new LinkedHashMap<>(weights.tensors());
        tensors.putAll(initial(weights.get("token_embedding.weight"), model, design, seed));
        return new StateDict(weights.source(), tensors);
    }

    /**
     * {@code weights} for evaluating a prompted model: they must hold its prompts.
     *
     * @throws BadInputException naming the weights when they hold none, or of another design
     */
    public static StateDict forEvaluation(StateDict weights, ClipConfig model, PromptConfig design) throws BadInputException {
        if (!held(weights, model, design)) {
            throw new BadInputException(weights.source(), "holds no prompt parameters, and the config learns prompts"
                    + " (PROMPT_MODEL True): give the checkpoint of a prompt-learning run with --checkpoint");
        }
        return weights;
    }

    /** Whether the weights hold exactly the design's prompts (false if none; an error if others). */
    private static boolean held(StateDict weights, ClipConfig model, PromptConfig design) throws BadInputException {
        Map<String, long[]> want = design.shapes(model);
        List<String> found = weights.tensors().keySet().stream().filter(PromptConfig::isPromptKey).toList();
        if (found.isEmpty()) {
            return false;
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : want.entrySet()) {
            INDArray a = weights.get(e.getKey());
            if (a == null) {
                problems.add("no '" + e.getKey() + "'");
            } else if (!Arrays.equals(a.shape(), e.getValue())) {
                problems.add("'" + e.getKey() + "' is " + Arrays.toString(a.shape()) + ", not " + Arrays.toString(e.getValue()));
            }
        }
        for (String key : found) {
            if (!want.containsKey(key)) {
                problems.add("'" + key + "' is not part of the design");
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(weights.source(), "holds prompts of another design than the config's (N_CTX_TEXT "
                    + design.nCtxText() + ", N_CTX_VISION " + design.nCtxVision() + ", PROMPT_DEPTH_TEXT " + design.depthText()
                    + ", PROMPT_DEPTH_VISION " + design.depthVision() + "): " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
        }
        return true;
    }

    /** Fresh prompts as ViFi-CLIP's VLPromptLearner and clip/model.py initialise them. */
    static Map<String, INDArray> initial(INDArray tokenEmbedding, ClipConfig model, PromptConfig design, long seed) {
        UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(seed ^ 0x5EED_9A4A_7E51L);
        ZigguratSampler.NormalizedGaussian gauss = ZigguratSampler.NormalizedGaussian.of(rng);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : design.shapes(model).entrySet()) {
            long[] shape = e.getValue();
            INDArray a;
            if (e.getKey().equals(PromptConfig.TEXT_CONTEXT) && design.initFromWords()) {
                // embedding[0, 1 : 1 + n_ctx] of clip.tokenize(CTX_INIT)
                int[] ids = ClipTokenizer.load().tokenize(List.of(design.ctxInit().replace("_", " ")), model.contextLength(), true)[0];
                a = Nd4j.create(DataType.FLOAT, shape);
                for (int j = 0; j < shape[0]; j++) {
                    a.putRow(j, tokenEmbedding.getRow(ids[1 + j]).castTo(DataType.FLOAT));
                }
            } else {
                float[] values = new float[(int) (shape[0] * shape[1])];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (INIT_STD * gauss.sample());
                }
                a = Nd4j.create(values, shape, 'c');
            }
            out.put(e.getKey(), a);
        }
        return out;
    }
}
