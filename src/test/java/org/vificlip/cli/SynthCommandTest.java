package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.data.LabelFile;
import org.vificlip.data.VideoListFile;
import org.vificlip.testing.MainRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthCommandTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @Test
    void helpListsTheOptions() {
        assertEquals(0, cli.run("synth", "--help"));
        for (String option : new String[]{"--out", "--classes", "--videos-per-class", "--size", "--frames", "--seed",
                "--input-size", "--num-frames"}) {
            assertTrue(cli.stdout().contains(option), option + " in\n" + cli.stdout());
        }
        assertEquals(0, cli.run("--help"));
        assertTrue(cli.stdout().contains("synth"));
    }

    @Test
    void writesADatasetWithProgressAndSummary(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("ds");
        assertEquals(0, cli.run("synth", "--out", out.toString(), "--classes", "2", "--videos-per-class", "2",
                "--size", "32x32", "--frames", "4", "--seed", "5", "--input-size", "112", "--num-frames", "4"));
        assertEquals("", cli.stdout(), "progress and summary go to stderr; JCodec prints nothing");
        String err = cli.stderr();
        assertTrue(err.contains("4/4"), "progress bar on stderr:\n" + err);
        assertTrue(err.contains("wrote 4 videos of 2 classes (2 train, 2 val)"), err);
        assertEquals(2, LabelFile.readClassNames(out.resolve("labels.csv")).size());
        assertEquals(2, VideoListFile.read(out.resolve("train.txt"), out).size());
        String config = Files.readString(out.resolve("config.yaml"));
        assertTrue(config.contains("    INPUT_SIZE: 112\n"), config);
        assertTrue(config.contains("    NUM_FRAMES: 4\n"), config);
        assertTrue(config.contains("\nSEED: 5\n"), config);
    }

    @Test
    void badArgumentsGiveOneClearLine(@TempDir Path dir) {
        String out = dir.resolve("ds").toString();
        assertBad("--size must be between", "synth", "--out", out, "--size", "0x5");
        assertBad("even width and height", "synth", "--out", out, "--size", "63x48");
        assertBad("--size must be WIDTHxHEIGHT", "synth", "--out", out, "--size", "big");
        assertBad("--classes must be between 2 and 24", "synth", "--out", out, "--classes", "99");
        assertBad("--classes must be an integer", "synth", "--out", out, "--classes", "ten");
        assertBad("--videos-per-class must be between 2", "synth", "--out", out, "--videos-per-class", "1");
        assertBad("--frames must be between 2", "synth", "--out", out, "--frames", "1");
        assertBad("--seed must be between 0", "synth", "--out", out, "--seed", "-1");
        assertBad("--out is required", "synth", "--classes", "3");
        assertFalse(Files.exists(dir.resolve("ds")), "nothing written on bad arguments");
    }

    @Test
    void anOutputThatIsAFileIsBadInput(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        assertBad("exists and is not a folder", "synth", "--out", file.toString(), "--classes", "2",
                "--videos-per-class", "2", "--size", "16x16", "--frames", "2");
    }

    private void assertBad(String message, String... args) {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run(args), String.join(" ", args));
        String err = cli.stderr().strip();
        assertTrue(err.contains(message), "'" + message + "' in: " + err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("vificlip synth: "), err);
    }
}
