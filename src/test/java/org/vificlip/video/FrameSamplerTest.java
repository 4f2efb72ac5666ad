package org.vificlip.video;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSamplerTest {
    @Test
    void testModeMatchesTheFixtureIndices() throws IOException {
        for (VideoFixtures.Clip clip : VideoFixtures.clips()) {
            assertArrayEquals(clip.testIndices8(), FrameSampler.testIndices(clip.frames(), 8), clip.file());
        }
    }

    @Test
    void testModeForVideosShorterThanT() {
        // mmaction: avg = 5/8; int(i*avg + avg/2)
        assertArrayEquals(new int[]{0, 0, 1, 2, 2, 3, 4, 4}, FrameSampler.testIndices(5, 8));
        assertArrayEquals(new int[]{0, 0, 0, 0}, FrameSampler.testIndices(1, 4));
    }

    @Test
    void trainModePicksOneFrameInEachSegment() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int[] idx = FrameSampler.trainIndices(75, 8, rng);
            int avg = 75 / 8;
            for (int i = 0; i < 8; i++) {
                assertTrue(idx[i] >= i * avg && idx[i] < (i + 1) * avg, "segment " + i + ": " + idx[i]);
            }
        }
        assertArrayEquals(FrameSampler.trainIndices(90, 8, new Random(5)), FrameSampler.trainIndices(90, 8, new Random(5)));
    }

    @Test
    void trainModeForVideosShorterThanT() {
        // avg_interval 0: np.around(arange(8) * 5/8) with half-to-even
        assertArrayEquals(new int[]{0, 1, 1, 2, 2, 3, 4, 4}, FrameSampler.trainIndices(5, 8, new Random(1)));
    }

    @Test
    void multiViewConcatenatesTrainModeClips() {
        int[] idx = FrameSampler.multiViewIndices(90, 8, 3, new Random(2));
        assertEquals(24, idx.length);
        for (int v = 0; v < 3; v++) {
            for (int i = 0; i < 8; i++) {
                int f = idx[v * 8 + i];
                assertTrue(f >= i * 11 && f < (i + 1) * 11);
            }
        }
    }

    @Test
    void rejectsEmptyVideos() {
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.testIndices(0, 8));
    }
}
