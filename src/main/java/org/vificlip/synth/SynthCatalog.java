package org.vificlip.synth;

import java.util.List;

import static org.vificlip.synth.Colour.*;
import static org.vificlip.synth.Motion.*;
import static org.vificlip.synth.Shape.*;

/**
 * The fixed, ordered list of classes; {@code --classes N} takes the first N. Consecutive classes differ
 * in colour and shape (and mostly motion), so small datasets are easy; a few pairs differ only in motion
 * (0/5 bouncing vs moving left, 1/6 moving right vs standing still, 2/7 spinning vs moving right), so
 * motion has to be learnt too. The second half of the first ten recombines colours, shapes and motions of
 * the first half, which makes the base/novel split meaningful.
 *
 * <p>Rules kept by every entry (checked by the tests): names are unique; no ball spins (a spinning ball
 * looks still); two classes with the same colour and shape never have motions that are each other's time
 * reversal (frame averaging cannot tell them apart).
 */
public final class SynthCatalog {
    private SynthCatalog() {
    }

    private static final List<SynthClass> CLASSES = List.of(
            new SynthClass(RED, BALL, BOUNCING),
            new SynthClass(BLUE, SQUARE, MOVING_RIGHT),
            new SynthClass(GREEN, TRIANGLE, SPINNING),
            new SynthClass(YELLOW, SQUARE, GROWING),
            new SynthClass(PURPLE, TRIANGLE, MOVING_LEFT),
            new SynthClass(RED, BALL, MOVING_LEFT),
            new SynthClass(BLUE, SQUARE, STILL),
            new SynthClass(GREEN, TRIANGLE, MOVING_RIGHT),
            new SynthClass(YELLOW, BALL, SHRINKING),
            new SynthClass(ORANGE, CROSS, SPINNING),
            new SynthClass(CYAN, BALL, MOVING_RIGHT),
            new SynthClass(WHITE, SQUARE, BOUNCING),
            new SynthClass(PURPLE, BALL, GROWING),
            new SynthClass(ORANGE, TRIANGLE, BOUNCING),
            new SynthClass(CYAN, CROSS, STILL),
            new SynthClass(RED, SQUARE, SPINNING),
            new SynthClass(GREEN, BALL, STILL),
            new SynthClass(BLUE, TRIANGLE, SHRINKING),
            new SynthClass(YELLOW, CROSS, MOVING_LEFT),
            new SynthClass(WHITE, TRIANGLE, GROWING),
            new SynthClass(RED, CROSS, MOVING_RIGHT),
            new SynthClass(GREEN, SQUARE, MOVING_LEFT),
            new SynthClass(BLUE, BALL, BOUNCING),
            new SynthClass(ORANGE, SQUARE, SHRINKING)
    );

    /** Every class, in label order. */
    public static List<SynthClass> all() {
        return CLASSES;
    }

    /** The first n classes; n must be within 1..{@link #all()}.size(). */
    public static List<SynthClass> first(int n) {
        if (n < 1 || n > CLASSES.size()) {
            throw new IllegalArgumentException("the catalogue has " + CLASSES.size() + " classes, asked for " + n);
        }
        return CLASSES.subList(0, n);
    }
}
