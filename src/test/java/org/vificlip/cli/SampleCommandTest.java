package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.data.NpyFile;
import org.vificlip.video.VideoFixtures;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleCommandTest {
    @Test
    void rawAndPreprocessedOutputsMatchTheFixtures(@TempDir Path dir) throws IOException {
        VideoFixtures.Clip clip = VideoFixtures.h264Clips().get(0);
        Path raw = dir.resolve("raw.npy");
        Path pre = dir.resolve("pre.npy");
        assertEquals(0, Main.run(new String[]{"sample", "--video", clip.path().toString(), "--raw", "--out", raw.toString()}));
        assertEquals(0, Main.run(new String[]{"sample", "--video", clip.path().toString(), "--frames", "8",
                "--size", "224", "--out", pre.toString()}));

        NpyFile.Array rawArray = NpyFile.read(raw);
        NpyFile.Array rawRef = NpyFile.read(VideoFixtures.DIR.resolve(clip.stem() + ".frames_rgb.npy"));
        assertArrayEquals(rawRef.shape(), rawArray.shape());
        assertTrue(VideoFixtures.meanAbsDiff(rawArray.bytes(), rawRef.bytes()) <= 2.0);

        NpyFile.Array preArray = NpyFile.read(pre);
        NpyFile.Array preRef = VideoFixtures.referenceTensor(clip);
        assertArrayEquals(preRef.shape(), preArray.shape());
        VideoFixtures.assertTensorClose(clip.file() + " (sample command)", preArray.floats(), preRef.floats());
    }

    @Test
    void badInputExitsWithTwo(@TempDir Path dir) {
        String out = dir.resolve("x.npy").toString();
        assertEquals(2, Main.run(new String[]{"sample", "--video", VideoFixtures.DIR.resolve("bad_text.mp4").toString(), "--out", out}));
        assertEquals(2, Main.run(new String[]{"sample", "--out", out}));
        assertEquals(2, Main.run(new String[]{"sample", "--video", "x.mp4", "--frames", "0", "--out", out}));
        assertEquals(0, Main.run(new String[]{"sample", "--help"}));
    }
}
