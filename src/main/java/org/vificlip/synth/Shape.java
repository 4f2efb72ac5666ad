package org.vificlip.synth;

/**
 * The shapes, each defined in its own unit frame: centre at the origin, "radius" 1 (the shape fits the
 * unit circle), v pointing up. Areas are kept comparable so size alone does not give a shape away.
 */
public enum Shape {
    BALL("ball", 0) {
        @Override
        boolean contains(double u, double v) {
            return u * u + v * v <= 1.0;
        }
    },
    SQUARE("square", 4) {
        @Override
        boolean contains(double u, double v) {
            return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
        }
    },
    /** Equilateral, pointing up, corners on the unit circle. */
    TRIANGLE("triangle", 3) {
        @Override
        boolean contains(double u, double v) {
            return v >= -0.5 && v <= 1.0 - SQRT3 * Math.abs(u);
        }
    },
    /** A plus sign: two bars crossing at the centre. */
    CROSS("cross", 4) {
        @Override
        boolean contains(double u, double v) {
            double au = Math.abs(u);
            double av = Math.abs(v);
            return (au <= 0.32 && av <= 0.95) || (au <= 0.95 && av <= 0.32);
        }
    };

    private static final double SQRT3 = StrictMath.sqrt(3.0);

    private final String word;
    private final int symmetry;

    Shape(String word, int symmetry) {
        this.word = word;
        this.symmetry = symmetry;
    }

    /** The English word used in class names. */
    public String word() {
        return word;
    }

    /**
     * Rotational symmetry order: a turn of 360°/symmetry looks the same; 0 for a ball, which every turn
     * leaves unchanged, so its spinning cannot be seen.
     */
    public int symmetry() {
        return symmetry;
    }

    /** Whether the point (u, v) of the shape's unit frame is inside the shape. */
    abstract boolean contains(double u, double v);
}
