package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsCommandTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    /** Runs the command, checks its exit code and returns everything it printed. */
    private String run(int expectedExit, String... args) {
        int exit = cli.run(args);
        String text = cli.stdout() + cli.stderr();
        assertEquals(expectedExit, exit, text);
        return text;
    }

    @Test
    void help() {
        String text = run(0, "weights", "--help");
        assertTrue(text.contains("--checkpoint"), text);
    }

    @Test
    void reportsTheOverlayAndSavesSafetensors() throws Exception {
        Path out = tmp.resolve("merged.safetensors");
        String text = run(0, "weights", "--weights", ClipFixtures.torchScript().toString(),
                "--checkpoint", ClipFixtures.vificlip().toString(), "--save", out.toString());
        assertTrue(text.contains("TorchScript archive"), text);
        assertTrue(text.contains("kept from the weights: [token_embedding.weight]"), text);
        CheckpointsFixtureTest.assertSameWeights(Checkpoints.loadFineTuned(ClipFixtures.torchScript(), ClipFixtures.vificlip()),
                Checkpoints.load(out), 0.0);
    }

    @Test
    void badInputExitsWithTwoAndNamesTheFile() throws Exception {
        Path bad = tmp.resolve("bad.pt");
        Files.writeString(bad, "nope");
        String text = run(2, "weights", "--weights", bad.toString());
        assertTrue(text.contains(bad.toString()) && text.contains("not a PyTorch zip"), text);
        run(2, "weights");
    }
}
