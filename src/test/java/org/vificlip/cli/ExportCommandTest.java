package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @Test
    void exportsTheFineTunedWeightsAsSafetensors() throws Exception {
        Path out = tmp.resolve("model.safetensors");
        int exit = cli.run("export", "--weights", ClipFixtures.torchScript().toString(),
                "--checkpoint", ClipFixtures.vificlip().toString(), "--out", out.toString());
        assertEquals(0, exit, cli.stdout() + cli.stderr());
        assertEquals("safetensors", Checkpoints.format(out));
        StateDict expected = Checkpoints.loadFineTuned(ClipFixtures.torchScript(), ClipFixtures.vificlip());
        StateDict exported = Checkpoints.load(out);
        assertEquals(new ArrayList<>(expected.tensors().keySet()), new ArrayList<>(exported.tensors().keySet()));
        assertTrue(exported.tensors().containsKey("token_embedding.weight"));
        for (var e : expected.tensors().entrySet()) {
            INDArray a = exported.get(e.getKey());
            assertEquals(DataType.FLOAT, a.dataType(), e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), e.getKey());
            assertArrayEquals(e.getValue().dup('c').data().asFloat(), a.dup('c').data().asFloat(), 0f, e.getKey());
        }
        // the checkpoint did change the base weights, so the export is not simply the base
        StateDict base = Checkpoints.load(ClipFixtures.torchScript());
        assertFalse(base.get("visual.proj").equalsWithEps(exported.get("visual.proj"), 0.0));
    }

    @Test
    void help() {
        assertEquals(0, cli.run("export", "--help"));
        assertTrue(cli.stdout().contains("--out") && cli.stdout().contains("--checkpoint"), cli.stdout());
    }

    @Test
    void missingOutIsAOneLineError() throws Exception {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("export", "--weights", ClipFixtures.torchScript().toString()));
        String err = cli.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("out"), err);
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }
}
