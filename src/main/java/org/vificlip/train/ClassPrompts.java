package org.vificlip.train;

import org.vificlip.config.ViFiClipConfig;
import org.vificlip.model.ClipConfig;
import org.vificlip.text.ClipTokenizer;
import org.vificlip.text.PromptTemplate;

import java.util.List;

/**
 * The class prompts ViFi-CLIP's {@code VLPromptLearner} builds without prompt learning:
 * {@code CTX_INIT + " " + name + "."} ("a photo of a {}."), or the bare class name ({@code "{}"}) for the
 * zero-shot evaluation of vanilla CLIP ({@code ZS_EVAL: True}); tokenised as {@code clip.tokenize}.
 */
public final class ClassPrompts {
    private ClassPrompts() {
    }

    public static PromptTemplate template(ViFiClipConfig config) {
        return config.trainer().zsEval() ? new PromptTemplate(PromptTemplate.PLACEHOLDER)
                : PromptTemplate.fromContextInit(config.trainer().ctxInit());
    }

    public static int[][] tokens(ViFiClipConfig config, List<String> classNames, ClipConfig model) {
        return ClipTokenizer.load().tokenize(template(config).formatAll(classNames), model.contextLength(), true);
    }
}
