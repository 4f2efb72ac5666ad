package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The learning rates {@code vificlip train} applies, with warm-up, ACCUMULATION_STEPS 2 and an odd number
 * of batches per epoch (a leftover batch that never steps), are the ones ViFi-CLIP's train_one_epoch gets
 * from timm's scheduler ({@link CosineLrSchedule#lrPerUpdate}, checked against timm's formula in
 * {@link CosineLrScheduleTest}). metrics.csv logs, per batch, the lr in force after it, as ViFi-CLIP
 * logs {@code optimizer.param_groups[0]['lr']}.
 */
class TrainingScheduleTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @Test
    void learningRatesFollowTimmsScheduleWithWarmUpAndAccumulation(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("synth");
        // 3 classes x 4 videos: 3 training videos per class, so 9 batches of 1 per epoch
        assertEquals(0, cli.run("synth", "--out", data.toString(), "--classes", "3", "--videos-per-class", "4",
                "--size", "48x48", "--frames", "8", "--seed", "1", "--input-size", "32", "--num-frames", "2"), cli.stderr());
        int epochs = 3;
        int batches = 9;
        Path output = dir.resolve("run");
        assertEquals(0, cli.run("train", "--config", data.resolve("config.yaml").toString(),
                "--weights", ClipFixtures.torchScript().toString(), "--output", output.toString(),
                "--opts", "TRAIN.EPOCHS", Integer.toString(epochs), "TRAIN.WARMUP_EPOCHS", "1", "TRAIN.LR", "1.e-03",
                "TRAIN.BATCH_SIZE", "1", "TRAIN.ACCUMULATION_STEPS", "2", "SAVE_FREQ", "10"), cli.stderr());

        double[] perUpdate = CosineLrSchedule.lrPerUpdate(CosineLrSchedule.vifiClip(1e-3, epochs, 1, batches),
                epochs, batches, 2);
        List<MetricsLog.Row> steps = MetricsLog.read(output.resolve("metrics.csv")).stream()
                .filter(r -> r.kind().equals("step")).toList();
        assertEquals(epochs * batches, steps.size());
        double inForce;
        int update = 0;
        for (MetricsLog.Row row : steps) {
            int idx = (int) (row.step() % batches);
            if ((idx + 1) % 2 == 0) {
                update++;
            }
            if (update == perUpdate.length) {
                continue; // the lr set by the very last update is never used, so lrPerUpdate does not hold it
            }
            inForce = perUpdate[update]; // after update u the optimizer holds the lr that update u+1 uses
            assertEquals(inForce, row.lr(), 1e-9 * Math.max(1, Math.abs(inForce)), "lr after batch " + row.step());
        }
        assertEquals(perUpdate.length, update, "updates: 4 per epoch, the ninth batch of each epoch never steps");
    }
}
