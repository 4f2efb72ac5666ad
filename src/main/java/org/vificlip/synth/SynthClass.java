package org.vificlip.synth;

import java.util.Locale;

/** One class of the synthetic dataset: a coloured shape in one kind of motion, e.g. "red ball bouncing". */
public record SynthClass(Colour colour, Shape shape, Motion motion) {
    /** The class name in plain English, as written to the label files and used in prompts. */
    public String name() {
        return colour.word() + " " + shape.word() + " " + motion.words();
    }

    /** The name as a file-name-safe word: {@code red_ball_bouncing}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace(' ', '_');
    }
}
