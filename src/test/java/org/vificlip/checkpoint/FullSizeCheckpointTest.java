package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.model.ClipConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Full-size check of the reader: a torch.save file with ViT-B/16's real shapes (fp16, as OpenAI ships it,
 * ~300 MB) round-trips exactly. {@code -Dcheckpoint.fullsize=ViT-L/14} (or any name of {@link OpenAiModels})
 * checks another architecture.
 */
class FullSizeCheckpointTest {

    @TempDir
    Path tmp;

    /** Parameter counts of OpenAI's released models, as CLIP's README notebook prints them. */
    @Test
    void architecturesHaveOpenAisParameterCounts() {
        assertEquals(151_277_313L, OpenAiModels.parameterCount(OpenAiModels.VIT.get("ViT-B/32")));
        assertEquals(149_620_737L, OpenAiModels.parameterCount(OpenAiModels.VIT.get("ViT-B/16")));
        assertEquals(427_616_513L, OpenAiModels.parameterCount(OpenAiModels.VIT.get("ViT-L/14")));
        assertEquals(427_944_193L, OpenAiModels.parameterCount(OpenAiModels.VIT.get("ViT-L/14@336px")));
    }

    @Test
    void fullSizeFp16StateDictRoundTrips() throws IOException {
        String name = System.getProperty("checkpoint.fullsize", "ViT-B/16");
        ClipConfig config = OpenAiModels.VIT.get(name);
        Path file = tmp.resolve(name.replace('/', '-') + ".pt");
        Map<String, Object> entries = new LinkedHashMap<>();
        config.expectedShapes().forEach((k, shape) -> entries.put(k, TorchZipWriter.Tensor.float16(shape, halves(k, shape))));
        TorchZipWriter.writeStateDict(file, entries);
        entries.clear();

        org.nd4j.linalg.factory.Nd4j.zeros(1); // backend start-up is not part of loading
        long start = System.nanoTime();
        StateDict sd = Checkpoints.load(file);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("full-size %s: %,d parameters, %,d MB fp16 file loaded in %d ms%n", name,
                OpenAiModels.parameterCount(config), Files.size(file) >> 20, ms);

        assertEquals(config, ClipConfig.infer(sd.shapes(), file));
        for (Map.Entry<String, long[]> e : config.expectedShapes().entrySet()) {
            INDArray a = sd.get(e.getKey());
            assertArrayEquals(e.getValue(), a.shape(), e.getKey());
            short[] h = halves(e.getKey(), e.getValue());
            float[] loaded = a.reshape(a.length()).toFloatVector();
            for (int i = 0; i < h.length; i += Math.max(1, h.length / 4096)) { // a spread sample of every tensor
                assertEquals(ElementType.halfToFloat(h[i] & 0xffff), loaded[i], 0f, e.getKey() + "[" + i + "]");
            }
            assertEquals(ElementType.halfToFloat(h[h.length - 1] & 0xffff), loaded[h.length - 1], 0f, e.getKey() + " last");
        }
    }

    /** Deterministic fp16 bit patterns per key: finite values of both signs, magnitudes 2^-10 .. 2^2. */
    private static short[] halves(String key, long[] shape) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(key.hashCode());
        short[] h = new short[(int) TensorSource.numel(shape)];
        for (int i = 0; i < h.length; i++) {
            int sign = r.nextInt(2);
            int exponent = 5 + r.nextInt(13);
            h[i] = (short) ((sign << 15) | (exponent << 10) | r.nextInt(1024));
        }
        return h;
    }
}
