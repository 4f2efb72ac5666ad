package org.vificlip.testing;

import org.vificlip.cli.Main;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Synth datasets the command tests share, made with {@code vificlip synth}. */
public final class SynthDatasets {
    private SynthDatasets() {
    }

    /**
     * 3 classes of 6 videos, 48×48, 8 frames, its config at 4 frames of 32×32 (enough to run every command on
     * the fixture CLIP in seconds).
     *
     * @return {@code out}
     */
    public static Path small(Path out, int seed) {
        assertEquals(0, Main.run(new String[]{"synth", "--out", out.toString(), "--classes", "3", "--videos-per-class", "6",
                "--size", "48x48", "--frames", "8", "--seed", Integer.toString(seed), "--input-size", "32", "--num-frames", "4"}));
        return out;
    }
}
