package org.vificlip.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.checkpoint.TorchCheckpointReader;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bridge and prompt end to end on a synthetic dataset, as a user runs it: {@code train} fine-tunes the fixture
 * CLIP on the base classes (the bridge); {@code eval} of that model on all classes is the baseline; {@code train}
 * with PROMPT_MODEL on the 4-shot list of all classes learns prompts on the frozen bridge model; {@code eval} of
 * its best checkpoint beats the baseline. And the authors' own prompting config runs through train and eval with
 * only its data paths overridden.
 */
class PromptLearningTest {
    /** Prompts as the issue's fixture design: 4 tokens a side, from "a photo of a"; deep to layer 2. */
    static final String[] PROMPTS = {"TRAINER.ViFi_CLIP.PROMPT_MODEL", "True", "TRAINER.ViFi_CLIP.N_CTX_TEXT", "4",
            "TRAINER.ViFi_CLIP.N_CTX_VISION", "4", "TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", "2",
            "TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", "2"};

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    static Path dir;
    static Path data;
    static String weights;
    /** Standard output before the CLI runner takes it over for each test. */
    static java.io.PrintStream console;

    @BeforeAll
    static void dataset() throws Exception {
        console = System.out;
        data = dir.resolve("synth");
        // 5 classes (3 base, 2 novel), 8 training and 4 validation videos each; 4 frames of 32 px
        int code = org.vificlip.cli.Main.run(new String[]{"synth", "--out", data.toString(), "--classes", "5",
                "--videos-per-class", "12", "--size", "64x48", "--frames", "16", "--seed", "7",
                "--input-size", "32", "--num-frames", "4"});
        assertEquals(0, code, "synth");
        weights = ClipFixtures.torchScript().toString();
    }

    @Test
    void promptsOnTheFrozenBridgeModelImproveFewShotAccuracy() throws Exception {
        long start = System.nanoTime();
        Path bridge = dir.resolve("bridge");
        assertEquals(0, cli.run("train", "--config", data.resolve("config_base2novel.yaml").toString(), "--weights", weights,
                "--output", bridge.toString(), "--opts", "TRAIN.LR", "3.e-04", "TRAIN.BATCH_SIZE", "2", "TRAIN.EPOCHS", "8",
                "SAVE_FREQ", "100"), cli.stderr());
        String bridgeCheckpoint = bridge.resolve("best.pth").toString();
        double before = evaluate(bridgeCheckpoint, dir.resolve("before.json"));

        Path prompted = dir.resolve("prompts");
        List<String> train = new ArrayList<>(List.of("train", "--config", data.resolve("config.yaml").toString(),
                "--weights", weights, "--checkpoint", bridgeCheckpoint, "--output", prompted.toString(), "--opts",
                "DATA.TRAIN_FILE", data.resolve("train_4_shot.txt").toString(), "TRAIN.LR", "3.e-03", "TRAIN.BATCH_SIZE", "2",
                "TRAIN.EPOCHS", "30", "SAVE_FREQ", "10", "AUG.LABEL_SMOOTH", "0.0"));
        train.addAll(List.of(PROMPTS));
        assertEquals(0, cli.run(train.toArray(String[]::new)), cli.stderr());
        assertTrue(Files.readString(prompted.resolve("log.txt")).contains("training the prompts (4 tensors, 2048 values)"),
                "only the prompts are trained");
        Map<?, ?> model = (Map<?, ?>) ((Map<?, ?>) TorchCheckpointReader.read(prompted.resolve("best.pth"))).get("model");
        for (String key : List.of("module.prompt_learner.ctx", "module.image_encoder.VPT",
                "module.image_encoder.transformer.resblocks.1.VPT_shallow", "module.text_encoder.transformer.resblocks.1.VPT_shallow",
                "module.image_encoder.conv1.weight")) {
            assertTrue(model.containsKey(key), key);
        }

        double after = evaluate(prompted.resolve("best.pth").toString(), dir.resolve("after.json"), PROMPTS);
        assertEquals(TrainLearnsTest.maxEvalTop1(prompted.resolve("metrics.csv")), after, 1e-9,
                "eval --checkpoint best.pth gives the best accuracy the run saw");
        console.printf("top-1 on all 5 classes: bridge model %.1f%%, with prompts learned on 4 shots %.1f%% (%.0f s)%n",
                before, after, (System.nanoTime() - start) / 1e9);
        assertTrue(after >= before + 10, "prompts improve top-1 by at least 2 of 20 videos: " + before + " -> " + after);
    }

    @Test
    void theAuthorsFewShotPromptingConfigRunsWithItsDataPathsOverridden() throws Exception {
        Path config = Path.of("src/test/fixtures/vificlip-configs/few_shot/prompting_few_shot/hmdb51/16_32_prompting_2_shot.yaml");
        String[] paths = {"DATA.ROOT", data.toString(), "DATA.TRAIN_FILE", data.resolve("train_2_shot.txt").toString(),
                "DATA.VAL_FILE", data.resolve("val.txt").toString(), "DATA.LABEL_LIST", data.resolve("labels.csv").toString(),
                "DATA.NUM_CLASSES", "5", "DATA.NUM_FRAMES", "4", "DATA.INPUT_SIZE", "32"};
        List<String> train = new ArrayList<>(List.of("train", "--config", config.toString(), "--weights", weights,
                "--output", dir.resolve("authors").toString(), "--opts"));
        train.addAll(List.of(paths));
        train.addAll(List.of("TRAIN.EPOCHS", "1"));
        assertEquals(0, cli.run(train.toArray(String[]::new)), cli.stderr());
        // N_CTX 10 a side, depth 12 (every layer of the 2-layer fixture): 10·128 per tensor, 4 tensors
        assertTrue(Files.readString(dir.resolve("authors/log.txt")).contains("training the prompts (4 tensors, 5120 values)"));
        List<String> eval = new ArrayList<>(List.of("eval", "--config", config.toString(), "--weights", weights,
                "--checkpoint", dir.resolve("authors/ckpt_epoch_0.pth").toString(), "--out", dir.resolve("authors.json").toString(), "--opts"));
        eval.addAll(List.of(paths));
        assertEquals(0, cli.run(eval.toArray(String[]::new)), cli.stderr());
        assertEquals(TrainLearnsTest.maxEvalTop1(dir.resolve("authors/metrics.csv")),
                TrainLearnsTest.json(dir.resolve("authors.json")).get("top1").getAsDouble(), 1e-9);
        assertEquals("X X X X X X X X X X {}.", TrainLearnsTest.json(dir.resolve("authors.json")).get("prompt_template").getAsString());
    }

    private double evaluate(String checkpoint, Path out, String... opts) throws Exception {
        List<String> args = new ArrayList<>(List.of("eval", "--config", data.resolve("config.yaml").toString(), "--weights", weights,
                "--checkpoint", checkpoint, "--out", out.toString()));
        if (opts.length > 0) {
            args.add("--opts");
            args.addAll(List.of(opts));
        }
        assertEquals(0, cli.run(args.toArray(String[]::new)), cli.stderr());
        return TrainLearnsTest.json(out).get("top1").getAsDouble();
    }
}
