package org.vificlip.synth;

import java.nio.file.Path;

/**
 * What {@code vificlip synth} makes. The constructor checks every value and says which option is wrong.
 *
 * @param out            dataset folder (DATA.ROOT)
 * @param classes        the first {@code classes} of {@link SynthCatalog}
 * @param videosPerClass videos per class, split 2/3 train, 1/3 val (at least one of each)
 * @param width          frame width in pixels (even)
 * @param height         frame height in pixels (even)
 * @param frames         frames per video
 * @param seed           seed of all variation; also written as SEED
 * @param inputSize      DATA.INPUT_SIZE written into the configs
 * @param numFrames      DATA.NUM_FRAMES written into the configs
 */
public record SynthOptions(Path out, int classes, int videosPerClass, int width, int height, int frames,
                           long seed, int inputSize, int numFrames) {
    /** Frame rate of every video. */
    public static final int FPS = 25;
    public static final int MIN_SIDE = 16;
    public static final int MAX_SIDE = 2048;
    /** numpy's np.random.seed, which ViFi-CLIP calls with SEED, takes 0..2^32-1. */
    public static final long MAX_SEED = 0xFFFFFFFFL;

    public SynthOptions {
        if (out == null) {
            throw new IllegalArgumentException("--out is required");
        }
        int available = SynthCatalog.all().size();
        if (classes < 2 || classes > available) {
            throw new IllegalArgumentException("--classes must be between 2 and " + available
                    + " (the classes the generator knows; a base/novel split needs 2), got " + classes);
        }
        if (videosPerClass < 2 || videosPerClass > 9999) {
            throw new IllegalArgumentException("--videos-per-class must be between 2 and 9999 (each class needs a "
                    + "training and a validation video), got " + videosPerClass);
        }
        if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("--size must be between " + MIN_SIDE + "x" + MIN_SIDE + " and "
                    + MAX_SIDE + "x" + MAX_SIDE + ", got " + width + "x" + height);
        }
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("--size must have an even width and height (H.264 with 4:2:0 "
                    + "chroma), got " + width + "x" + height);
        }
        if (frames < 2 || frames > 10000) {
            throw new IllegalArgumentException("--frames must be between 2 and 10000, got " + frames);
        }
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("--seed must be between 0 and " + MAX_SEED
                    + " (ViFi-CLIP seeds numpy with it), got " + seed);
        }
        if (inputSize < 1 || inputSize > 4096) {
            throw new IllegalArgumentException("--input-size must be between 1 and 4096, got " + inputSize);
        }
        if (numFrames < 1 || numFrames > 1024) {
            throw new IllegalArgumentException("--num-frames must be between 1 and 1024, got " + numFrames);
        }
    }

    /** The defaults of the command line, writing to {@code out}. */
    public static SynthOptions defaults(Path out) {
        return new SynthOptions(out, 10, 12, 64, 48, 16, 0, 224, 8);
    }
}
