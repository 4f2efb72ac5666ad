package org.vificlip.video;

import java.util.Arrays;
import java.util.Random;

/**
 * Which frames of a video the model sees: mmaction's {@code SampleFrames} with {@code clip_len=1,
 * frame_interval=1, num_clips=T} as ViFi-CLIP configures it (segment-based sampling, TSN style). Indices
 * are zero-based presentation-order frame numbers ({@code start_index} 0, as ViFi-CLIP's VideoDataset).
 */
public final class FrameSampler {
    private FrameSampler() {
    }

    /**
     * Test mode: the middle of each of T equal segments, {@code int(i*avg + avg/2)} with
     * {@code avg = frameCount / T}; a video shorter than T frames repeats frames the same way.
     */
    public static int[] testIndices(int frameCount, int numFrames) {
        check(frameCount, numFrames);
        double avg = frameCount / (double) numFrames;
        int[] out = new int[numFrames];
        for (int i = 0; i < numFrames; i++) {
            out[i] = (int) (i * avg + avg / 2.0);
        }
        return wrap(out, frameCount);
    }

    /**
     * Train mode: a uniformly random frame inside each of T segments of {@code frameCount // T} frames;
     * for videos with fewer than T frames per segment, mmaction's fallbacks (sorted random frames when
     * the video has more than T frames, else evenly spread rounded positions).
     */
    public static int[] trainIndices(int frameCount, int numFrames, Random rng) {
        check(frameCount, numFrames);
        int avg = frameCount / numFrames;
        int[] out = new int[numFrames];
        if (avg > 0) {
            for (int i = 0; i < numFrames; i++) {
                out[i] = i * avg + rng.nextInt(avg);
            }
        } else if (frameCount > numFrames) {
            // unreachable for clip_len 1 (avg > 0 whenever frameCount >= numFrames), kept for fidelity
            for (int i = 0; i < numFrames; i++) {
                out[i] = rng.nextInt(frameCount);
            }
            Arrays.sort(out);
        } else {
            double ratio = frameCount / (double) numFrames;
            for (int i = 0; i < numFrames; i++) {
                out[i] = (int) Math.rint(i * ratio); // numpy.around: half to even
            }
        }
        return wrap(out, frameCount);
    }

    /**
     * ViFi-CLIP's multi-view test sampling ({@code TEST.NUM_CLIP > 1}): {@code views} independent
     * train-mode samplings concatenated, {@code views * T} indices, view-major.
     */
    public static int[] multiViewIndices(int frameCount, int numFrames, int views, Random rng) {
        if (views < 1) {
            throw new IllegalArgumentException("views must be >= 1, got " + views);
        }
        int[] out = new int[views * numFrames];
        for (int v = 0; v < views; v++) {
            System.arraycopy(trainIndices(frameCount, numFrames, rng), 0, out, v * numFrames, numFrames);
        }
        return out;
    }

    private static void check(int frameCount, int numFrames) {
        if (frameCount < 1) {
            throw new IllegalArgumentException("video has no frames");
        }
        if (numFrames < 1) {
            throw new IllegalArgumentException("number of frames to sample must be >= 1, got " + numFrames);
        }
    }

    /** mmaction's out_of_bound_opt 'loop'. */
    private static int[] wrap(int[] indices, int frameCount) {
        for (int i = 0; i < indices.length; i++) {
            indices[i] = Math.floorMod(indices[i], frameCount);
        }
        return indices;
    }
}
