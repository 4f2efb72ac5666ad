package org.vificlip.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CLIP fixture directory ({@code -Dfixtures.clip}, default {@code src/test/fixtures/clip-tiny-a}) and its
 * files. The checkpoints are found by their endings ({@code <name>.pt}, {@code <name>.state_dict.pt},
 * {@code <name>-hf/}, {@code <name>.vificlip.pth}), so any fixture of the same layout works.
 */
public final class ClipFixtures {
    private ClipFixtures() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("fixtures.clip", "src/test/fixtures/clip-tiny-a"));
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }

    /** A reference array of the fixture, e.g. {@code expected/logits.npy}. */
    public static INDArray npy(String relative) {
        return Nd4j.createFromNpyFile(file(relative).toFile());
    }

    /** {@code inputs/text_tokens.npy}, int32 {@code [N, 77]}, as rows of token ids. */
    public static int[][] textTokens() {
        INDArray tokens = npy("inputs/text_tokens.npy");
        assertEquals(DataType.INT, tokens.dataType(), "text_tokens.npy dtype");
        assertEquals(2, tokens.rank(), "text_tokens.npy rank");
        int[][] rows = new int[(int) tokens.rows()][];
        for (int n = 0; n < rows.length; n++) {
            rows[n] = tokens.getRow(n).toIntVector();
        }
        return rows;
    }

    public static JsonObject summary() throws IOException {
        return JsonParser.parseString(Files.readString(file("expected/summary.json"))).getAsJsonObject();
    }

    /** {@code <name>.pt} (the TorchScript archive OpenAI distributes), not {@code <name>.state_dict.pt}. */
    public static Path torchScript() throws IOException {
        return find(p -> name(p).endsWith(".pt") && !name(p).endsWith(".state_dict.pt"));
    }

    public static Path stateDict() throws IOException {
        return find(p -> name(p).endsWith(".state_dict.pt"));
    }

    public static Path huggingFace() throws IOException {
        return find(p -> Files.isDirectory(p) && name(p).endsWith("-hf"));
    }

    public static Path vificlip() throws IOException {
        return find(p -> name(p).endsWith(".vificlip.pth"));
    }

    /** The base weights, read from {@code <name>.pt} by the checkpoint reader. */
    public static StateDict baseWeights() throws IOException {
        return Checkpoints.load(torchScript());
    }

    /** {@code <name>.vificlip.pth} laid over {@code <name>.pt}, as ViFi-CLIP's load_checkpoint does. */
    public static StateDict fineTunedWeights() throws IOException {
        return Checkpoints.loadFineTuned(torchScript(), vificlip());
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static Path find(Predicate<Path> test) throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            var found = files.filter(test).toList();
            assertEquals(1, found.size(), "exactly one matching fixture in " + dir() + ": " + found);
            return found.get(0);
        }
    }
}
