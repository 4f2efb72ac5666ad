package org.vificlip.data;

import org.vificlip.video.Normalization;

/**
 * How a video becomes a tensor: T frames at S×S, test or train pipeline, and for testing the
 * multi-view options of ViFi-CLIP ({@code TEST.NUM_CLIP} views, {@code TEST.NUM_CROP} 1 or 3).
 * The tensor has {@code framesPerVideo() = numFrames * views * crops} frames.
 */
public record ClipSpec(int numFrames, int size, boolean train, int views, int crops, Normalization normalization) {
    public ClipSpec {
        if (numFrames < 1 || size < 1 || views < 1) {
            throw new IllegalArgumentException("frames, size and views must be positive");
        }
        if (crops != 1 && crops != 3) {
            throw new IllegalArgumentException("crops must be 1 or 3, got " + crops);
        }
        if (train && (views != 1 || crops != 1)) {
            throw new IllegalArgumentException("training uses one view and one crop");
        }
    }

    /** ViFi-CLIP's single-view test pipeline: T frames, centre crop S, ViFi-CLIP normalisation. */
    public static ClipSpec test(int numFrames, int size) {
        return new ClipSpec(numFrames, size, false, 1, 1, Normalization.VIFI_CLIP);
    }

    /** ViFi-CLIP's training pipeline. */
    public static ClipSpec train(int numFrames, int size) {
        return new ClipSpec(numFrames, size, true, 1, 1, Normalization.VIFI_CLIP);
    }

    public int framesPerVideo() {
        return numFrames * views * crops;
    }
}
