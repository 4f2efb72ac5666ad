package org.vificlip.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path a user takes: {@code synth} writes real H.264 videos with ViFi-CLIP list and label files and
 * a config; {@code eval} of the random-weight fixture CLIP is near chance; {@code train} with that config
 * fine-tunes it to at least 90% top-1 on the validation videos; {@code eval --checkpoint best.pth} reads the
 * checkpoint the run wrote and gives the same accuracy.
 */
class TrainLearnsTest {
    /** The first five synth classes differ in colour and shape; the fixture CLIP (random weights, 32 px) does not
     *  separate the sixth, which differs from the first only by its motion, within this test's budget. */
    static final int CLASSES = 5;

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void dataset() {
        data = dir.resolve("synth");
        int code = org.vificlip.cli.Main.run(new String[]{"synth", "--out", data.toString(), "--classes", Integer.toString(CLASSES),
                "--videos-per-class", "9", "--size", "64x48", "--frames", "16", "--seed", "7",
                "--input-size", "32", "--num-frames", "8"});
        assertEquals(0, code, "synth");
    }

    @Test
    void fineTuningLearnsTheSyntheticClassesAndItsCheckpointEvaluatesTheSame() throws Exception {
        String weights = ClipFixtures.torchScript().toString();
        Path config = data.resolve("config.yaml");
        Path output = dir.resolve("run");

        assertEquals(0, cli.run("eval", "--config", config.toString(), "--weights", weights,
                "--out", dir.resolve("before.json").toString()), cli.stderr());
        double before = json(dir.resolve("before.json")).get("top1").getAsDouble();
        System.out.printf("zero-shot top-1 of the random-weight model: %.1f%% (chance %.1f%%)%n", before, 100.0 / CLASSES);
        assertTrue(before < 60, "the untrained model is not already good: " + before);

        long start = System.nanoTime();
        // a random-weight model needs more, smaller steps than the ready config's (made for pre-trained CLIP)
        assertEquals(0, cli.run("train", "--config", config.toString(), "--weights", weights, "--output", output.toString(),
                "--opts", "TRAIN.LR", "3.e-04", "TRAIN.BATCH_SIZE", "2", "TRAIN.EPOCHS", "25", "SAVE_FREQ", "5"), cli.stderr());
        System.out.printf("training took %.0f s%n", (System.nanoTime() - start) / 1e9);
        JsonObject last = json(output.resolve("eval_last.json"));
        double after = last.get("top1").getAsDouble();
        System.out.printf("top-1 after fine-tuning: %.1f%%%n", after);
        assertTrue(after >= 90, "fine-tuning reaches 90% top-1, got " + after);
        assertEquals(0, last.get("skipped").getAsInt());

        for (String file : new String[]{"best.pth", "log.txt", "metrics.csv", "config.yaml", "loss.png", "lr.png", "accuracy.png"}) {
            assertTrue(Files.size(output.resolve(file)) > 0, file);
        }
        assertEquals(0, cli.run("eval", "--config", config.toString(), "--weights", weights,
                "--checkpoint", output.resolve("best.pth").toString(), "--out", dir.resolve("after.json").toString()),
                cli.stderr());
        double reloaded = json(dir.resolve("after.json")).get("top1").getAsDouble();
        double best = maxEvalTop1(output.resolve("metrics.csv"));
        assertEquals(best, reloaded, 1e-9, "eval --checkpoint best.pth gives the best accuracy the run saw");
    }

    static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    static double maxEvalTop1(Path csv) throws Exception {
        return MetricsLog.read(csv).stream().filter(r -> r.kind().equals("eval")).mapToDouble(MetricsLog.Row::top1)
                .max().orElseThrow();
    }
}
