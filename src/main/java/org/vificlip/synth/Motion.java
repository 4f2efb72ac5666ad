package org.vificlip.synth;

/**
 * How a shape moves over a clip. Where a motion moves the shape (left/right, up/down, growing), it does so
 * over most of the frame, so a handful of sampled frames shows it.
 *
 * <p>ViFi-CLIP averages frame features over time, so it cannot tell a motion from its time reversal
 * (moving left from moving right, growing from shrinking) on an otherwise identical shape;
 * {@link SynthCatalog} never lets two classes differ only that way.
 */
public enum Motion {
    /** Up and down, bouncing on a floor near the bottom of the frame. */
    BOUNCING("bouncing"),
    MOVING_LEFT("moving left"),
    MOVING_RIGHT("moving right"),
    GROWING("growing"),
    SHRINKING("shrinking"),
    SPINNING("spinning"),
    STILL("standing still");

    private final String words;

    Motion(String words) {
        this.words = words;
    }

    /** The English words used in class names. */
    public String words() {
        return words;
    }

    /** The motion played backwards, or null when it is its own reverse. */
    public Motion reversed() {
        return switch (this) {
            case MOVING_LEFT -> MOVING_RIGHT;
            case MOVING_RIGHT -> MOVING_LEFT;
            case GROWING -> SHRINKING;
            case SHRINKING -> GROWING;
            default -> null;
        };
    }
}
