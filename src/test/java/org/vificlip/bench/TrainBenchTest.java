package org.vificlip.bench;

import org.junit.jupiter.api.Test;
import org.vificlip.model.ClipConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The benchmark's class lists and architectures (the Python side's ARCHS must match these). */
class TrainBenchTest {
    private static final Path LABELS = Path.of("benchmarks/train");

    @Test
    void firstClassesOfUcf101UpTo101ThenKinetics400() throws Exception {
        List<String> ten = TrainBench.classNames(LABELS, 10);
        assertEquals(10, ten.size());
        assertEquals("ApplyEyeMakeup", ten.get(0));
        assertEquals("YoYo", TrainBench.classNames(LABELS, 101).get(100));
        List<String> k400 = TrainBench.classNames(LABELS, 400);
        assertEquals("abseiling", k400.get(0));
        assertEquals("zumba", k400.get(399));
        assertEquals("abseiling", TrainBench.classNames(LABELS, 102).get(0));
        assertThrows(IllegalArgumentException.class, () -> TrainBench.classNames(LABELS, 401));
    }

    @Test
    void architectures() {
        ClipConfig b16 = TrainBench.arch("vit-b16");
        assertEquals(16, b16.visionPatchSize());
        assertEquals(768, b16.visionWidth());
        assertEquals(12, b16.visionHeads());
        assertEquals(512, b16.textWidth());
        assertEquals(8, b16.textHeads());
        assertEquals(77, b16.contextLength());
        ClipConfig tiny = TrainBench.arch("tiny");
        assertEquals(1, tiny.visionHeads());
        assertEquals(50, tiny.visionTokens());
        assertThrows(IllegalArgumentException.class, () -> TrainBench.arch("vit-l14"));
    }
}
