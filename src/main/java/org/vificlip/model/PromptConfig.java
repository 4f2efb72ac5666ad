package org.vificlip.model;

import org.vificlip.BadInputException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ViFi-CLIP's bridge-and-prompt design ({@code PROMPT_MODEL: True}; {@code design_details} in its
 * {@code trainers/vificlip.py}): learnable prompt tokens on both sides of a frozen CLIP.
 * <ul>
 *   <li>text: {@code nCtxText} context vectors {@code prompt_learner.ctx} take the places of the words
 *       after the start token; in layers 1..{@code depthText}−1 those places are overwritten by the
 *       layer's own {@code transformer.resblocks.<i>.VPT_shallow};</li>
 *   <li>vision ({@code depthVision} ≥ 1): {@code nCtxVision} tokens {@code visual.VPT} appended after the
 *       positional embedding; in layers 1..{@code depthVision}−1 the last {@code nCtxVision} tokens are
 *       overwritten by {@code visual.transformer.resblocks.<i>.VPT_shallow}.</li>
 * </ul>
 * Keys are ViFi-CLIP's CLIP-side names (its checkpoints add {@code module.image_encoder.} /
 * {@code module.text_encoder.} as for every other weight). A depth beyond the model's layers puts prompts
 * into every layer, as ViFi-CLIP's {@code prompts_needed > i} test does.
 *
 * @param ctxInit words for the initial text context ({@code CTX_INIT}), used when {@code nCtxText ≤ 4};
 *                null or blank for none
 */
public record PromptConfig(int nCtxText, int nCtxVision, int depthText, int depthVision, String ctxInit) {
    public static final String TEXT_CONTEXT = "prompt_learner.ctx";
    public static final String VISION_CONTEXT = "visual.VPT";
    private static final String DEEP = "VPT_shallow";
    private static final Pattern DEEP_KEY = Pattern.compile("(visual\\.)?transformer\\.resblocks\\.(\\d+)\\." + DEEP);
    /** VLPromptLearner initialises the context from CTX_INIT's words only up to this many tokens. */
    static final int MAX_WORD_INIT = 4;

    public PromptConfig {
        if (nCtxText < 1 || depthText < 1) {
            throw new IllegalArgumentException("text prompts need N_CTX_TEXT >= 1 and PROMPT_DEPTH_TEXT >= 1, got "
                    + nCtxText + " and " + depthText);
        }
        if (depthVision < 0 || (depthVision > 0 && nCtxVision < 1)) {
            throw new IllegalArgumentException("vision prompts need N_CTX_VISION >= 1 when PROMPT_DEPTH_VISION > 0, got "
                    + nCtxVision + " and " + depthVision);
        }
    }

    /** Whether a key names a prompt parameter (of any depth or size). */
    public static boolean isPromptKey(String key) {
        return key.equals(TEXT_CONTEXT) || key.equals(VISION_CONTEXT) || DEEP_KEY.matcher(key).matches();
    }

    public static String deepTextKey(int layer) {
        return "transformer.resblocks." + layer + "." + DEEP;
    }

    public static String deepVisionKey(int layer) {
        return "visual.transformer.resblocks." + layer + "." + DEEP;
    }

    /** Whether the vision side has prompts at all (ViFi-CLIP: {@code vision_depth != 0}). */
    public boolean hasVision() {
        return depthVision > 0;
    }

    /** Whether the text context starts from {@code ctxInit}'s word embeddings rather than N(0, 0.02). */
    public boolean initFromWords() {
        return ctxInit != null && !ctxInit.isBlank() && nCtxText <= MAX_WORD_INIT;
    }

    /**
     * What precedes the class name in each class prompt ({@code prompt_prefix}): {@code ctxInit} (underscores
     * as spaces) when the context starts from its words, else {@code nCtxText} "X"s. The context vectors
     * overwrite the embeddings of the {@code nCtxText} tokens after the start token, so only the prefix's
     * token count matters once the words are replaced.
     */
    public String classPromptPrefix() {
        return initFromWords() ? ctxInit.replace("_", " ") : String.join(" ", java.util.Collections.nCopies(nCtxText, "X"));
    }

    /** Every prompt parameter with its shape, in ViFi-CLIP's registration order (text context, vision, deep). */
    public Map<String, long[]> shapes(ClipConfig model) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(TEXT_CONTEXT, new long[]{nCtxText, model.textWidth()});
        if (hasVision()) {
            s.put(VISION_CONTEXT, new long[]{nCtxVision, model.visionWidth()});
        }
        for (int i = 1; i < Math.min(depthVision, model.visionLayers()); i++) {
            s.put(deepVisionKey(i), new long[]{nCtxVision, model.visionWidth()});
        }
        for (int i = 1; i < Math.min(depthText, model.textLayers()); i++) {
            s.put(deepTextKey(i), new long[]{nCtxText, model.textWidth()});
        }
        return s;
    }

    /**
     * The design a set of weights holds prompts for (sizes from {@code prompt_learner.ctx} and
     * {@code visual.VPT}, depths from the deepest {@code VPT_shallow}), or null if it holds none.
     *
     * @throws BadInputException naming {@code source} when prompt parameters are there without the text
     *                           context, or their sizes disagree
     */
    public static PromptConfig infer(Map<String, long[]> shapes, Path source) throws BadInputException {
        if (shapes.keySet().stream().noneMatch(PromptConfig::isPromptKey)) {
            return null;
        }
        long[] text = shapes.get(TEXT_CONTEXT);
        if (text == null || text.length != 2) {
            throw new BadInputException(source, "holds prompt parameters but no 2-d '" + TEXT_CONTEXT + "'");
        }
        long[] vision = shapes.get(VISION_CONTEXT);
        int depthText = 1;
        int depthVision = vision == null ? 0 : 1;
        for (String key : shapes.keySet()) {
            Matcher m = DEEP_KEY.matcher(key);
            if (m.matches()) {
                int layer = Integer.parseInt(m.group(2));
                if (m.group(1) == null) {
                    depthText = Math.max(depthText, layer + 1);
                } else {
                    depthVision = Math.max(depthVision, layer + 1);
                }
            }
        }
        if (vision == null && depthVision > 0) {
            throw new BadInputException(source, "holds deep vision prompts but no '" + VISION_CONTEXT + "'");
        }
        PromptConfig p = new PromptConfig((int) text[0], vision == null ? 0 : (int) vision[0], depthText, depthVision, null);
        for (String key : shapes.keySet()) {
            if (DEEP_KEY.matcher(key).matches()) {
                long[] want = key.startsWith("visual.") ? vision : text;
                if (!java.util.Arrays.equals(shapes.get(key), want)) {
                    throw new BadInputException(source, "prompt '" + key + "' has shape " + java.util.Arrays.toString(shapes.get(key))
                            + ", expected " + java.util.Arrays.toString(want) + " as its first-layer prompt");
                }
            }
        }
        return p;
    }
}
