package org.vificlip.synth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each motion does what its name says, for many seeds, and the shape stays inside the frame. */
class SceneRendererTest {
    private static final int W = 64;
    private static final int H = 48;
    private static final int FRAMES = 16;

    private static SceneRenderer renderer(Colour colour, Shape shape, Motion motion, long seed) {
        return new SceneRenderer(new SynthClass(colour, shape, motion), W, H, FRAMES, seed);
    }

    @Test
    void motionsMoveAsNamed() {
        for (long seed = 0; seed < 40; seed++) {
            SceneRenderer.Pose[] right = poses(renderer(Colour.BLUE, Shape.SQUARE, Motion.MOVING_RIGHT, seed));
            SceneRenderer.Pose[] left = poses(renderer(Colour.BLUE, Shape.SQUARE, Motion.MOVING_LEFT, seed));
            double r = right[0].radius();
            for (int f = 1; f < FRAMES; f++) {
                assertTrue(right[f].cx() > right[f - 1].cx(), "moving right, seed " + seed);
                assertTrue(left[f].cx() < left[f - 1].cx(), "moving left, seed " + seed);
                assertEquals(right[0].cy(), right[f].cy(), 1e-9);
            }
            // Across at least half of the room the shape has.
            assertTrue(right[FRAMES - 1].cx() - right[0].cx() >= 0.5 * (W - 2 * r), "travel, seed " + seed);

            SceneRenderer.Pose[] bounce = poses(renderer(Colour.RED, Shape.BALL, Motion.BOUNCING, seed));
            double top = Arrays.stream(bounce).mapToDouble(SceneRenderer.Pose::cy).min().orElseThrow();
            double bottom = Arrays.stream(bounce).mapToDouble(SceneRenderer.Pose::cy).max().orElseThrow();
            assertTrue(bottom - top >= 0.4 * (H - 2 * bounce[0].radius()), "bounce height, seed " + seed);
            for (SceneRenderer.Pose p : bounce) {
                assertEquals(bounce[0].cx(), p.cx(), 1e-9, "bouncing stays in its column");
            }

            SceneRenderer.Pose[] grow = poses(renderer(Colour.YELLOW, Shape.SQUARE, Motion.GROWING, seed));
            SceneRenderer.Pose[] shrink = poses(renderer(Colour.YELLOW, Shape.SQUARE, Motion.SHRINKING, seed));
            assertTrue(grow[FRAMES - 1].radius() > 2 * grow[0].radius(), "growing, seed " + seed);
            assertTrue(shrink[0].radius() > 2 * shrink[FRAMES - 1].radius(), "shrinking, seed " + seed);

            SceneRenderer.Pose[] spin = poses(renderer(Colour.GREEN, Shape.TRIANGLE, Motion.SPINNING, seed));
            double turned = Math.abs(spin[FRAMES - 1].angle() - spin[0].angle());
            assertTrue(turned >= Math.PI && turned <= 2 * Math.PI * 0.9 + 1e-9, "spin, seed " + seed);

            SceneRenderer.Pose[] still = poses(renderer(Colour.BLUE, Shape.SQUARE, Motion.STILL, seed));
            for (SceneRenderer.Pose p : still) {
                assertEquals(still[0], p, "standing still, seed " + seed);
            }
        }
    }

    @Test
    void shapesStayInsideTheFrame() {
        for (Motion motion : Motion.values()) {
            for (long seed = 0; seed < 40; seed++) {
                for (SceneRenderer.Pose p : poses(renderer(Colour.RED, Shape.SQUARE, motion, seed))) {
                    assertTrue(p.cx() - p.radius() >= -1e-9 && p.cx() + p.radius() <= W + 1e-9, motion + " x, seed " + seed);
                    assertTrue(p.cy() - p.radius() >= -1e-9 && p.cy() + p.radius() <= H + 1e-9, motion + " y, seed " + seed);
                }
            }
        }
    }

    @Test
    void pixelsAreTheShapeColourOverTheBackgroundPlusSmallNoise() {
        SceneRenderer r = renderer(Colour.RED, Shape.BALL, Motion.STILL, 3);
        float[] cover = r.coverage(5);
        byte[] rgb = r.renderRgb(5);
        int[] bg = r.background();
        int inside = 0;
        for (int i = 0; i < cover.length; i++) {
            int[] want = cover[i] == 1f ? new int[]{220, 40, 40} : cover[i] == 0f ? bg : null;
            if (want == null) {
                continue;
            }
            inside += cover[i] == 1f ? 1 : 0;
            for (int c = 0; c < 3; c++) {
                assertTrue(Math.abs((rgb[i * 3 + c] & 0xFF) - want[c]) <= 5, "pixel " + i + " channel " + c);
            }
        }
        SceneRenderer.Pose p = r.pose(5);
        // A disc covers about pi r^2 pixels.
        assertEquals(Math.PI * p.radius() * p.radius(), inside, 3 * 2 * Math.PI * p.radius());
    }

    @Test
    void videosOfOneClassVaryAndTheSameSeedRepeats() {
        SceneRenderer a = renderer(Colour.BLUE, Shape.SQUARE, Motion.MOVING_RIGHT, 1);
        SceneRenderer b = renderer(Colour.BLUE, Shape.SQUARE, Motion.MOVING_RIGHT, 2);
        assertFalse(a.pose(0).equals(b.pose(0)));
        assertFalse(Arrays.equals(a.renderRgb(0), b.renderRgb(0)));
        assertArrayEquals(a.renderRgb(7), renderer(Colour.BLUE, Shape.SQUARE, Motion.MOVING_RIGHT, 1).renderRgb(7));
    }

    private static SceneRenderer.Pose[] poses(SceneRenderer r) {
        SceneRenderer.Pose[] poses = new SceneRenderer.Pose[r.frames()];
        for (int f = 0; f < poses.length; f++) {
            poses[f] = r.pose(f);
        }
        return poses;
    }
}
