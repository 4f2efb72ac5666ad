package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same config and seed give the same weights, to the bit, with 1 and with 3 video-decoding threads. */
class LoaderThreadsDeterminismTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @Test
    void sameWeightsWhateverTheNumberOfLoaderThreads(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("synth");
        assertEquals(0, cli.run("synth", "--out", data.toString(), "--classes", "3", "--videos-per-class", "4",
                "--size", "48x48", "--frames", "8", "--seed", "5", "--input-size", "32", "--num-frames", "2"), cli.stderr());
        CheckpointWeights.assertBitIdentical(train(data, dir.resolve("one"), 1), train(data, dir.resolve("three"), 3));
    }

    private Path train(Path data, Path output, int threads) throws Exception {
        assertEquals(0, cli.run("train", "--config", data.resolve("config.yaml").toString(),
                "--weights", ClipFixtures.torchScript().toString(), "--output", output.toString(),
                "--threads", Integer.toString(threads), "--opts", "TRAIN.EPOCHS", "2", "TRAIN.BATCH_SIZE", "2",
                "AUG.MIXUP", "0.8", "TRAIN.LR", "1.e-03", "SAVE_FREQ", "5"), cli.stderr());
        return output.resolve("ckpt_epoch_1.pth");
    }
}
