package org.vificlip.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyFileTest {
    @Test
    void roundTripsAndNd4jReadsWhatWeWrite(@TempDir Path dir) throws IOException {
        float[] f = {1.5f, -2f, 3.25f, 0f, 7f, -1e-3f};
        Path fp = dir.resolve("f.npy");
        NpyFile.writeFloat32(fp, f, 2, 3);
        NpyFile.Array back = NpyFile.read(fp);
        assertArrayEquals(new long[]{2, 3}, back.shape());
        assertArrayEquals(f, back.floats());
        INDArray nd = Nd4j.createFromNpyFile(fp.toFile());
        assertArrayEquals(new long[]{2, 3}, nd.shape());
        assertEquals(-1e-3f, nd.getFloat(1, 2), 0);

        org.vificlip.video.FrameTensor tensor = new org.vificlip.video.FrameTensor(new float[2 * 3 * 2 * 2], 2, 2);
        tensor.data()[5] = 4.5f;
        assertArrayEquals(new long[]{1, 2, 3, 2, 2}, tensor.toBatchINDArray().shape());
        assertEquals(4.5f, tensor.toINDArray().getFloat(0, 1, 0, 1), 0);

        byte[] b = {0, 1, (byte) 255, 7};
        Path bp = dir.resolve("b.npy");
        NpyFile.writeUint8(bp, b, 4);
        assertArrayEquals(b, NpyFile.read(bp).bytes());
    }

    /** The Java-array reader gets the same checks as the ND4J one (ModelCommandsTest checks those through the CLI). */
    @Test
    void readRejectsBadFilesNamingTheProblem(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.npy");
        NpyFile.writeUint8(good, new byte[64], 4, 16);
        Path truncated = dir.resolve("truncated.npy");
        byte[] all = Files.readAllBytes(good);
        Files.write(truncated, Arrays.copyOf(all, all.length - 1));
        assertProblem(truncated, "truncated");
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello, not an array");
        assertProblem(text, "not a .npy file");
        assertProblem(dir.resolve("missing.npy"), "file not found");
        Path doubles = dir.resolve("doubles.npy");
        Nd4j.writeAsNumpy(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 2), doubles.toFile());
        assertProblem(doubles, "not supported (uint8, float32)");
    }

    private static void assertProblem(Path file, String problem) {
        IOException e = assertThrows(IOException.class, () -> NpyFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(problem), e.getMessage());
    }
}
