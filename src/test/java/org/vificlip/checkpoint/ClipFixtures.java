package org.vificlip.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CLIP fixture directory ({@code -Dfixtures.clip}, default {@code src/test/fixtures/clip-tiny-a}) and its
 * files, found by their endings so any fixture of the same layout works.
 */
final class ClipFixtures {
    private ClipFixtures() {
    }

    static Path dir() {
        return Path.of(System.getProperty("fixtures.clip", "src/test/fixtures/clip-tiny-a"));
    }

    /** {@code <name>.pt} (the TorchScript archive), not {@code <name>.state_dict.pt}. */
    static Path torchScript() throws IOException {
        return find(p -> p.getFileName().toString().endsWith(".pt") && !p.getFileName().toString().endsWith(".state_dict.pt"));
    }

    static Path stateDict() throws IOException {
        return find(p -> p.getFileName().toString().endsWith(".state_dict.pt"));
    }

    static Path huggingFace() throws IOException {
        return find(p -> Files.isDirectory(p) && p.getFileName().toString().endsWith("-hf"));
    }

    static Path vificlip() throws IOException {
        return find(p -> p.getFileName().toString().endsWith(".vificlip.pth"));
    }

    private static Path find(java.util.function.Predicate<Path> test) throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            var found = files.filter(test).toList();
            assertEquals(1, found.size(), "exactly one matching fixture in " + dir() + ": " + found);
            return found.get(0);
        }
    }
}
