package org.vificlip.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.checkpoint.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The clip fixture directory (system property {@code fixtures.clip}) and the fixtures README's tolerance. */
final class ClipFixture {
    final Path dir;

    ClipFixture() {
        this.dir = Path.of(System.getProperty("fixtures.clip", "src/test/fixtures/clip-tiny-a"));
    }

    Path file(String relative) {
        return dir.resolve(relative);
    }

    INDArray npy(String relative) {
        return Nd4j.createFromNpyFile(file(relative).toFile());
    }

    JsonObject summary() throws IOException {
        return JsonParser.parseString(Files.readString(file("expected/summary.json"))).getAsJsonObject();
    }

    /** The base checkpoint: {@code <name>.pt} (the TorchScript archive OpenAI distributes). */
    Path baseCheckpoint() throws IOException {
        return findByEnding(".pt", ".state_dict.pt");
    }

    Path vificlipCheckpoint() throws IOException {
        return findByEnding(".vificlip.pth", null);
    }

    private Path findByEnding(String ending, String excluded) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(ending))
                    .filter(p -> excluded == null || !p.getFileName().toString().endsWith(excluded))
                    .findFirst().orElseThrow(() -> new IOException("no *" + ending + " in " + dir));
        }
    }

    /** Development stand-in until the checkpoint reader lands: a directory of {@code <key>.npy}. */
    static StateDict npyDirectory(Path dir) throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                String name = p.getFileName().toString();
                tensors.put(name.substring(0, name.length() - 4), Nd4j.createFromNpyFile(p.toFile()));
            }
        }
        return new StateDict(dir, tensors);
    }

    /** The fixtures README's tolerance: max |a−b| ≤ 1e-4 + 1e-3·max|b|. Returns the max error. */
    static double assertClose(String what, INDArray expected, INDArray actual) {
        assertTrue(java.util.Arrays.equals(expected.shape(), actual.shape()) || expected.length() == actual.length(),
                what + ": shape " + java.util.Arrays.toString(actual.shape()) + " vs expected "
                        + java.util.Arrays.toString(expected.shape()));
        INDArray e = expected.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(actual.length());
        double maxError = a.sub(e).amaxNumber().doubleValue();
        double scale = e.amaxNumber().doubleValue();
        double tolerance = 1e-4 + 1e-3 * scale;
        System.out.printf("%-60s max|err| %.3e  max|expected| %.3e  tol %.3e%n", what, maxError, scale, tolerance);
        assertTrue(maxError <= tolerance, what + ": max |error| " + maxError + " > tolerance " + tolerance);
        return maxError;
    }
}
