package org.vificlip.data;

import org.vificlip.video.FrameSampler;
import org.vificlip.video.FrameTensor;
import org.vificlip.video.Preprocessing;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** One video file or frame folder to one preprocessed tensor: open, sample, decode, preprocess. */
public final class VideoClips {
    private VideoClips() {
    }

    /** ViFi-CLIP's test input for one video: {@code [T,3,S,S]}, float32, normalised. */
    public static FrameTensor testClip(Path video, int numFrames, int size) throws IOException {
        return load(video, ClipSpec.test(numFrames, size), new Random(0));
    }

    /**
     * The clip of {@code spec} for one video. {@code rng} drives train-mode sampling and augmentation
     * and multi-view sampling; the single-view test pipeline does not use it.
     *
     * @throws org.vificlip.BadInputException naming the file when it cannot be read
     */
    public static FrameTensor load(Path video, ClipSpec spec, Random rng) throws IOException {
        try (VideoReader reader = VideoReaders.open(video)) {
            int frameCount = reader.info().frameCount();
            int[] indices;
            if (spec.train()) {
                indices = FrameSampler.trainIndices(frameCount, spec.numFrames(), rng);
            } else if (spec.views() > 1) {
                indices = FrameSampler.multiViewIndices(frameCount, spec.numFrames(), spec.views(), rng);
            } else {
                indices = FrameSampler.testIndices(frameCount, spec.numFrames());
            }
            List<RgbFrame> frames = reader.read(indices);
            if (spec.train()) {
                return Preprocessing.train(frames, spec.size(), spec.normalization(), rng);
            }
            if (spec.crops() == 3) {
                return Preprocessing.testThreeCrop(frames, spec.size(), spec.normalization());
            }
            return Preprocessing.test(frames, spec.size(), spec.normalization());
        }
    }
}
