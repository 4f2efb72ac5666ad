package org.vificlip.train;

import org.vificlip.config.ViFiClipConfig;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.PromptConfig;
import org.vificlip.text.ClipTokenizer;
import org.vificlip.text.PromptTemplate;

import java.util.List;

/**
 * The class prompts ViFi-CLIP's {@code VLPromptLearner} builds without prompt learning:
 * {@code CTX_INIT + " " + name + "."} ("a photo of a {}."), or the bare class name ({@code "{}"}) for the
 * zero-shot evaluation of vanilla CLIP ({@code ZS_EVAL: True}); tokenised as {@code clip.tokenize}. With
 * prompt learning ({@code PROMPT_MODEL: True}) the prompts it builds for the learned context instead.
 */
public final class ClassPrompts {
    private ClassPrompts() {
    }

    public static PromptTemplate template(ViFiClipConfig config) {
        PromptConfig prompts = PromptParameters.designOf(config);
        if (prompts != null) {
            return learned(prompts);
        }
        return config.trainer().zsEval() ? new PromptTemplate(PromptTemplate.PLACEHOLDER)
                : PromptTemplate.fromContextInit(config.trainer().ctxInit());
    }

    /**
     * With prompt learning: {@code prompt_prefix + " " + name + "."}, the prefix's words after the start
     * token being overwritten by the learned context ({@link PromptConfig#classPromptPrefix()}).
     */
    public static PromptTemplate learned(PromptConfig prompts) {
        return new PromptTemplate(prompts.classPromptPrefix() + " " + PromptTemplate.PLACEHOLDER + ".");
    }

    public static int[][] tokens(ViFiClipConfig config, List<String> classNames, ClipConfig model) {
        List<String> names = classNames;
        if (config.trainer().promptModel()) {
            names = classNames.stream().map(n -> n.replace("_", " ")).toList(); // VLPromptLearner does, with prompts
        }
        return ClipTokenizer.load().tokenize(template(config).formatAll(names), model.contextLength(), true);
    }
}
