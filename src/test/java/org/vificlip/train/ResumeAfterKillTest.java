package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.cli.Main;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training run killed with SIGKILL in its second epoch and resumed with {@code --resume auto} ends with
 * the same weights, to the bit, as an uninterrupted run with the same seed (mixup, accumulation and
 * shuffling on, so every seeded draw must line up).
 */
class ResumeAfterKillTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @Test
    void resumedRunEqualsUninterruptedRunToTheBit(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("synth");
        assertEquals(0, cli.run("synth", "--out", data.toString(), "--classes", "4", "--videos-per-class", "9",
                "--size", "48x48", "--frames", "8", "--seed", "3", "--input-size", "32", "--num-frames", "4"), cli.stderr());
        String weights = ClipFixtures.torchScript().toString();
        List<String> common = List.of("train", "--config", data.resolve("config.yaml").toString(), "--weights", weights,
                "--opts", "TRAIN.EPOCHS", "3", "TRAIN.BATCH_SIZE", "1", "TRAIN.ACCUMULATION_STEPS", "2",
                "AUG.MIXUP", "0.8", "AUG.CUTMIX", "1.0", "TRAIN.LR", "1.e-03", "SAVE_FREQ", "1", "--threads", "2");

        Path uninterrupted = dir.resolve("a");
        assertEquals(0, cli.run(with(common, "--output", uninterrupted.toString())), cli.stderr());

        Path killed = dir.resolve("b");
        Process process = startJvm(with(common, "--output", killed.toString()), dir.resolve("b.log"));
        try {
            waitForSecondEpoch(killed.resolve("metrics.csv"), process);
        } finally {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
            process.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(killed.resolve("ckpt_epoch_0.pth")), "the first epoch's checkpoint was written");
        assertFalse(Files.exists(killed.resolve("ckpt_epoch_1.pth")), "killed before the second epoch ended");

        assertEquals(0, cli.run(with(common, "--output", killed.toString(), "--resume", "auto")), cli.stderr());

        CheckpointWeights.assertBitIdentical(uninterrupted.resolve("ckpt_epoch_2.pth"), killed.resolve("ckpt_epoch_2.pth"));
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** The same command in a fresh JVM on this test's class path. */
    private static Process startJvm(String[] args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dorg.bytedeco.javacpp.maxbytes=3G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Returns once metrics.csv has a step of epoch 1 (the second epoch). */
    private static void waitForSecondEpoch(Path metrics, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (Files.exists(metrics) && Files.readAllLines(metrics).stream().anyMatch(l -> l.startsWith("step,1,"))) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the training process ended (exit " + process.exitValue() + ") before its second epoch");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no step of the second epoch within 3 minutes");
    }
}
