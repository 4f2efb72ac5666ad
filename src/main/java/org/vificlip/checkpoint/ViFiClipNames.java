package org.vificlip.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The names ViFi-CLIP gives CLIP's parameters. Its {@code ViFiCLIP} module (trainers/vificlip.py) holds CLIP's
 * {@code visual} as {@code image_encoder}, a {@code TextEncoder} holding CLIP's {@code transformer},
 * {@code positional_embedding}, {@code ln_final} and {@code text_projection} as {@code text_encoder}, and
 * CLIP's {@code logit_scale} itself; training wraps it in DistributedDataParallel, whose state dict adds
 * {@code module.}. CLIP's token embedding is not part of it.
 */
public final class ViFiClipNames {

    private static final String DDP = "module.";
    private static final String IMAGE = "image_encoder.";
    private static final String TEXT = "text_encoder.";
    private static final String PROMPTS = "prompt_learner.";
    /** What CLIP keeps outside ViFi-CLIP's model (used only for the prompt learner's frozen embeddings). */
    private static final String TOKEN_EMBEDDING = "token_embedding.weight";

    private ViFiClipNames() {
    }

    /**
     * {@code visual.*} → {@code module.image_encoder.*}; {@code transformer.*}, {@code positional_embedding},
     * {@code ln_final.*}, {@code text_projection} → {@code module.text_encoder.*}; {@code logit_scale} →
     * {@code module.logit_scale}; ViFi-CLIP's own prompt parameters {@code prompt_learner.*} →
     * {@code module.prompt_learner.*}.
     *
     * @throws IllegalArgumentException for a name ViFi-CLIP's model does not have ({@code token_embedding.weight})
     */
    public static String toViFiClip(String openAiKey) {
        if (openAiKey.startsWith("visual.")) return DDP + IMAGE + openAiKey.substring("visual.".length());
        if (openAiKey.startsWith("transformer.") || openAiKey.startsWith("ln_final.")
                || openAiKey.equals("positional_embedding") || openAiKey.equals("text_projection")) {
            return DDP + TEXT + openAiKey;
        }
        if (openAiKey.equals("logit_scale") || openAiKey.startsWith(PROMPTS)) return DDP + openAiKey;
        throw new IllegalArgumentException("'" + openAiKey + "' is not a parameter of ViFi-CLIP's model"
                + (openAiKey.equals(TOKEN_EMBEDDING) ? " (it keeps CLIP's token embedding outside)" : ""));
    }

    /**
     * The inverse of {@link #toViFiClip}, with or without DistributedDataParallel's {@code module.}: names
     * outside the encoders ({@code logit_scale}, {@code prompt_learner.ctx}, ...) keep their own.
     */
    public static String toOpenAi(String vifiClipKey) {
        String key = withoutDdpPrefix(vifiClipKey);
        if (key.startsWith(IMAGE)) return "visual." + key.substring(IMAGE.length());
        if (key.startsWith(TEXT)) return key.substring(TEXT.length());
        return key;
    }

    static String withoutDdpPrefix(String key) {
        return key.startsWith(DDP) ? key.substring(DDP.length()) : key;
    }

    /**
     * OpenAI keys in the order of {@code ViFiCLIP.named_parameters()}, which is the order of
     * {@code model.parameters()} and so the index of each parameter in ViFi-CLIP's AdamW
     * ({@code build_optimizer}: one group of all parameters) and in its {@code optimizer.state_dict()}.
     *
     * <p>{@code nn.Module.named_parameters} walks the modules depth first: a module's own parameters (in
     * registration order) before its children's, children in registration order. So: {@code logit_scale}
     * (a parameter of ViFiCLIP itself), then {@code prompt_learner} ({@code ctx} when prompting), then
     * {@code image_encoder} (VisionTransformer: its own {@code VPT}, {@code class_embedding},
     * {@code positional_embedding}, {@code proj}; then {@code conv1}, {@code ln_pre}, {@code transformer},
     * {@code ln_post}), then {@code text_encoder} ({@code positional_embedding}, {@code text_projection}; then
     * {@code transformer}, {@code ln_final}). Inside a residual block: its own {@code VPT_shallow}, then
     * {@code attn} ({@code in_proj_weight}, {@code in_proj_bias}, {@code out_proj}), {@code ln_1},
     * {@code mlp} ({@code c_fc}, {@code c_proj}), {@code ln_2}.
     *
     * @param openAiKeys parameter names in any order; {@code token_embedding.weight}, which is not a parameter
     *                   of ViFi-CLIP's model, is left out
     * @throws IllegalArgumentException for a name that is not a parameter of ViFi-CLIP's model
     */
    public static List<String> parameterOrder(Collection<String> openAiKeys) {
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(openAiKeys)) {
            if (key.equals(TOKEN_EMBEDDING)) continue;
            String path = withoutDdpPrefix(toViFiClip(key));
            List<Integer> position = new ArrayList<>();
            if (!Module.VIFICLIP.locate(Arrays.asList(path.split("\\.")), position)) {
                throw new IllegalArgumentException("'" + key + "' (ViFi-CLIP's '" + path
                        + "') is not a parameter of ViFi-CLIP's model");
            }
            positions.put(key, position);
        }
        List<String> ordered = new ArrayList<>(positions.keySet());
        ordered.sort(Comparator.comparing(positions::get, ViFiClipNames::lexicographic));
        return ordered;
    }

    private static int lexicographic(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    }

    /**
     * A module of ViFi-CLIP's model as far as parameters go: its own parameters and its children, each in
     * registration order (trainers/vificlip.py, clip/model.py, torch.nn.MultiheadAttention), or, for an
     * {@code nn.Sequential} of blocks, children numbered 0, 1, ... all alike.
     */
    private record Module(List<String> parameters, List<String> childNames, List<Module> children, Module numbered) {

        static Module of(List<String> parameters, Object... namesAndChildren) {
            List<String> names = new ArrayList<>();
            List<Module> children = new ArrayList<>();
            for (int i = 0; i < namesAndChildren.length; i += 2) {
                names.add((String) namesAndChildren[i]);
                children.add((Module) namesAndChildren[i + 1]);
            }
            return new Module(parameters, names, children, null);
        }

        static Module sequence(Module element) {
            return new Module(List.of(), List.of(), List.of(), element);
        }

        static final Module LINEAR = of(List.of("weight", "bias"));
        static final Module LAYER_NORM = of(List.of("weight", "bias"));
        static final Module CONV_NO_BIAS = of(List.of("weight"));
        static final Module ATTENTION = of(List.of("in_proj_weight", "in_proj_bias"), "out_proj", LINEAR);
        static final Module MLP = of(List.of(), "c_fc", LINEAR, "c_proj", LINEAR); // "gelu" has none
        static final Module BLOCK = of(List.of("VPT_shallow"),
                "attn", ATTENTION, "ln_1", LAYER_NORM, "mlp", MLP, "ln_2", LAYER_NORM);
        static final Module TRANSFORMER = of(List.of(), "resblocks", sequence(BLOCK));
        static final Module VISION = of(List.of("VPT", "class_embedding", "positional_embedding", "proj"),
                "conv1", CONV_NO_BIAS, "ln_pre", LAYER_NORM, "transformer", TRANSFORMER, "ln_post", LAYER_NORM);
        static final Module TEXT_ENCODER = of(List.of("positional_embedding", "text_projection"),
                "transformer", TRANSFORMER, "ln_final", LAYER_NORM);
        static final Module PROMPT_LEARNER = of(List.of("ctx"));
        static final Module VIFICLIP = of(List.of("logit_scale"),
                "prompt_learner", PROMPT_LEARNER, "image_encoder", VISION, "text_encoder", TEXT_ENCODER);

        /**
         * Appends the position of the parameter at {@code path} below this module: (0, index) for an own
         * parameter, which comes before (1, child index, ...) for one of a child's.
         */
        boolean locate(List<String> path, List<Integer> position) {
            String first = path.get(0);
            if (path.size() == 1 && parameters.contains(first)) {
                position.add(0);
                position.add(parameters.indexOf(first));
                return true;
            }
            if (path.size() < 2) return false;
            Module child;
            if (numbered != null) {
                if (!first.matches("\\d{1,9}")) return false;
                position.add(1);
                position.add(Integer.parseInt(first));
                child = numbered;
            } else {
                int index = childNames.indexOf(first);
                if (index < 0) return false;
                position.add(1);
                position.add(index);
                child = children.get(index);
            }
            return child.locate(path.subList(1, path.size()), position);
        }
    }
}
