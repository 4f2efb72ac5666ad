package org.vificlip.synth;

/**
 * The colours of the synthetic shapes: saturated and far apart in hue, so they stay distinct after
 * BT.601 4:2:0 coding (chroma at half resolution) and against the grey backgrounds.
 */
public enum Colour {
    RED("red", 220, 40, 40),
    GREEN("green", 40, 190, 60),
    BLUE("blue", 45, 85, 235),
    YELLOW("yellow", 240, 220, 40),
    PURPLE("purple", 165, 60, 210),
    ORANGE("orange", 250, 140, 30),
    CYAN("cyan", 40, 205, 215),
    WHITE("white", 242, 242, 242);

    private final String word;
    private final int r;
    private final int g;
    private final int b;

    Colour(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** The English word used in class names. */
    public String word() {
        return word;
    }

    /** Channel c (0=R, 1=G, 2=B), 0..255. */
    public int channel(int c) {
        return switch (c) {
            case 0 -> r;
            case 1 -> g;
            case 2 -> b;
            default -> throw new IllegalArgumentException("channel " + c);
        };
    }
}
