package org.vificlip.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.TorchCheckpointReader;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helper: the {@code model} weights of two training checkpoints are the same, to the bit. */
final class CheckpointWeights {
    private CheckpointWeights() {
    }

    static void assertBitIdentical(Path expected, Path actual) throws Exception {
        Map<?, ?> a = model(expected);
        Map<?, ?> b = model(actual);
        assertEquals(a.keySet(), b.keySet());
        for (Object key : a.keySet()) {
            INDArray x = (INDArray) a.get(key);
            INDArray y = (INDArray) b.get(key);
            assertTrue(x.equals(y) && x.sub(y).amaxNumber().doubleValue() == 0.0,
                    key + " differs by " + x.sub(y).amaxNumber());
        }
    }

    private static Map<?, ?> model(Path checkpoint) throws Exception {
        return (Map<?, ?>) ((Map<?, ?>) TorchCheckpointReader.read(checkpoint)).get("model");
    }
}
