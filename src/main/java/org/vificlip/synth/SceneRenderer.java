package org.vificlip.synth;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * Draws the frames of one synthetic video: a flat-coloured shape on a grey background with a little luma
 * noise, moving as its class says. What varies from video to video (size, start position, travel, bounce
 * rhythm, spin rate and direction, tilt, background shade and tint, noise strength) is drawn once from the
 * video's seed, in a fixed order, so the same seed always gives the same video.
 *
 * <p>Only integer arithmetic, {@code StrictMath} and plain double operations are used: Java 17 double
 * arithmetic is strict, so the pixels are identical on every machine.
 */
public final class SceneRenderer {
    /** Sub-samples per pixel side: 2x2 coverage gives soft edges, so the codec does not ring on stairs. */
    private static final int SUPERSAMPLE = 2;

    private final SynthClass cls;
    private final int width;
    private final int height;
    private final int frames;
    private final long noiseSeed;

    private final double radius;
    private final double posX;
    private final double posY;
    private final double travel;
    private final double bounces;
    private final double phase;
    private final double tilt;
    private final double spinTurns;
    private final double smallScale;
    private final double largeScale;
    private final int[] background = new int[3];
    private final int noise;

    /** Where the shape is in one frame: centre and radius in pixels, rotation in radians (counter-clockwise). */
    public record Pose(double cx, double cy, double radius, double angle) {
    }

    public SceneRenderer(SynthClass cls, int width, int height, int frames, long videoSeed) {
        if (width < 1 || height < 1 || frames < 1) {
            throw new IllegalArgumentException("bad video shape " + width + "x" + height + "x" + frames);
        }
        this.cls = cls;
        this.width = width;
        this.height = height;
        this.frames = frames;
        UniformRandomProvider rng = Seeds.random(videoSeed);
        // Every parameter is drawn for every class, in this order, so adding a parameter for one motion
        // never shifts the others.
        radius = uniform(rng, 0.15, 0.21) * Math.min(width, height);
        posX = rng.nextDouble();
        posY = rng.nextDouble();
        travel = uniform(rng, 0.55, 0.8);
        bounces = uniform(rng, 1.0, 2.0);
        phase = uniform(rng, 0.0, 0.5 * Math.PI);
        tilt = uniform(rng, -0.2, 0.2);
        // At most 0.9 turns per clip: consecutive frames then turn less than half of a square's 90 degrees
        // symmetry at 16 frames, so the spin is never seen backwards.
        spinTurns = uniform(rng, 0.5, 0.9) * (rng.nextBoolean() ? 1 : -1);
        smallScale = uniform(rng, 0.4, 0.55);
        largeScale = uniform(rng, 1.15, 1.35);
        int grey = 30 + rng.nextInt(71);
        for (int c = 0; c < 3; c++) {
            background[c] = grey + rng.nextInt(13) - 6;
        }
        noise = 2 + rng.nextInt(4);
        noiseSeed = rng.nextLong();
    }

    private static double uniform(UniformRandomProvider rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    public SynthClass synthClass() {
        return cls;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int frames() {
        return frames;
    }

    /** The background colour (before noise), R, G, B. */
    public int[] background() {
        return background.clone();
    }

    /** Clip time of a frame, 0 at the first and 1 at the last. */
    private double time(int frame) {
        return frames == 1 ? 0.5 : frame / (double) (frames - 1);
    }

    /** Where the shape is in the given frame (0-based). */
    public Pose pose(int frame) {
        if (frame < 0 || frame >= frames) {
            throw new IllegalArgumentException("frame " + frame + " outside [0, " + frames + ")");
        }
        double t = time(frame);
        double r = radius;
        double angle = tilt;
        double cx;
        double cy;
        switch (cls.motion()) {
            case MOVING_RIGHT, MOVING_LEFT -> {
                double distance = travel * (width - 2 * r);
                double x = r + posX * (width - 2 * r - distance) + distance * t;
                cx = cls.motion() == Motion.MOVING_RIGHT ? x : width - x;
                cy = r + posY * (height - 2 * r);
            }
            case BOUNCING -> {
                cx = r + posX * (width - 2 * r);
                double floor = height - r;
                double jump = travel * (height - 2 * r);
                cy = floor - jump * Math.abs(StrictMath.sin(Math.PI * bounces * t + phase));
            }
            case GROWING, SHRINKING -> {
                double margin = r * largeScale;
                cx = margin + posX * (width - 2 * margin);
                cy = margin + posY * (height - 2 * margin);
                double from = cls.motion() == Motion.GROWING ? smallScale : largeScale;
                double to = cls.motion() == Motion.GROWING ? largeScale : smallScale;
                r = radius * (from + (to - from) * t);
            }
            case SPINNING, STILL -> {
                cx = r + posX * (width - 2 * r);
                cy = r + posY * (height - 2 * r);
                if (cls.motion() == Motion.SPINNING) {
                    angle = tilt + 2 * Math.PI * spinTurns * t;
                }
            }
            default -> throw new IllegalStateException("unknown motion " + cls.motion());
        }
        return new Pose(cx, cy, r, angle);
    }

    /** Fraction of each pixel the shape covers in the frame, row-major {@code [height*width]}, 0..1. */
    public float[] coverage(int frame) {
        Pose p = pose(frame);
        double cos = StrictMath.cos(p.angle());
        double sin = StrictMath.sin(p.angle());
        float[] cover = new float[width * height];
        int samples = SUPERSAMPLE * SUPERSAMPLE;
        // Only pixels near the shape's bounding circle can be covered.
        int x0 = Math.max(0, (int) Math.floor(p.cx() - p.radius()) - 1);
        int x1 = Math.min(width - 1, (int) Math.ceil(p.cx() + p.radius()) + 1);
        int y0 = Math.max(0, (int) Math.floor(p.cy() - p.radius()) - 1);
        int y1 = Math.min(height - 1, (int) Math.ceil(p.cy() + p.radius()) + 1);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int inside = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        double px = x + (sx + 0.5) / SUPERSAMPLE;
                        double py = y + (sy + 0.5) / SUPERSAMPLE;
                        double dx = (px - p.cx()) / p.radius();
                        double dy = (p.cy() - py) / p.radius(); // v points up, image rows go down
                        double u = dx * cos + dy * sin;
                        double v = -dx * sin + dy * cos;
                        if (cls.shape().contains(u, v)) {
                            inside++;
                        }
                    }
                }
                cover[y * width + x] = inside / (float) samples;
            }
        }
        return cover;
    }

    /** The frame as 8-bit RGB, interleaved, rows top to bottom ({@code width*height*3} bytes). */
    public byte[] renderRgb(int frame) {
        float[] cover = coverage(frame);
        UniformRandomProvider grain = Seeds.random(Seeds.derive(noiseSeed, frame));
        byte[] rgb = new byte[width * height * 3];
        Colour colour = cls.colour();
        for (int i = 0; i < cover.length; i++) {
            // Luma-only grain (one offset for all three channels), like sensor noise after demosaicing.
            int grainValue = grain.nextInt(2 * noise + 1) - noise;
            float a = cover[i];
            for (int c = 0; c < 3; c++) {
                double value = background[c] + (colour.channel(c) - background[c]) * (double) a;
                int level = (int) Math.round(value) + grainValue;
                rgb[i * 3 + c] = (byte) Math.max(0, Math.min(255, level));
            }
        }
        return rgb;
    }
}
