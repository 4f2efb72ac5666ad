package org.vificlip.text;

import java.util.List;

/**
 * Turns class names into the sentences the text encoder sees. ViFi-CLIP (fine-tuning, no prompt
 * learning) builds {@code CTX_INIT.replace("_", " ") + " " + name + "."} with {@code CTX_INIT = "a photo of a"},
 * i.e. the template {@code "a photo of a {}."}; class names are used as they are (no underscore replacement).
 */
public final class PromptTemplate {
    /** The placeholder for the class name. */
    public static final String PLACEHOLDER = "{}";
    /** ViFi-CLIP's prompt for every shipped config. */
    public static final PromptTemplate DEFAULT = new PromptTemplate("a photo of a {}.");

    private final String template;

    /** A template holding {@code {}} exactly once, e.g. {@code "a video of a person {}."}. */
    public PromptTemplate(String template) {
        int at = template.indexOf(PLACEHOLDER);
        if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw new IllegalArgumentException("prompt template must contain '{}' exactly once: '" + template + "'");
        }
        this.template = template;
    }

    /** ViFi-CLIP's prompt from a config's {@code TRAINER.ViFi_CLIP.CTX_INIT} (e.g. "a_photo_of_a"). */
    public static PromptTemplate fromContextInit(String ctxInit) {
        return new PromptTemplate(ctxInit.replace("_", " ") + " " + PLACEHOLDER + ".");
    }

    public String format(String className) {
        return template.replace(PLACEHOLDER, className);
    }

    public List<String> formatAll(List<String> classNames) {
        return classNames.stream().map(this::format).toList();
    }

    public String template() {
        return template;
    }

    @Override
    public String toString() {
        return template;
    }
}
