package org.vificlip.train;

import com.google.gson.JsonElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.checkpoint.TorchCheckpointReader;
import org.vificlip.model.ClipModel;
import org.vificlip.model.PromptConfig;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/**
 * Checkpoints of prompt learning: ViFi-CLIP's names and order (every weight, frozen ones included, as its
 * {@code model.state_dict()} holds them; optimizer state for the prompts only, indexed over all of
 * {@code model.parameters()}), and a round trip: the file laid over the base weights with --checkpoint builds
 * the prompted model again (PyTorch's logits), and --resume restores prompts and AdamW state to the bit.
 */
class PromptCheckpointTest {
    @TempDir
    Path dir;

    static ClipModel fixtureModel() throws Exception {
        StateDict base = ClipFixtures.baseWeights();
        Map<String, INDArray> tensors = new LinkedHashMap<>(base.tensors());
        for (JsonElement p : ClipFixtures.summary().getAsJsonObject("prompting").getAsJsonArray("parameters")) {
            tensors.put(p.getAsString(), ClipFixtures.npy("inputs/prompting/" + p.getAsString() + ".npy"));
        }
        return ClipModel.build(new StateDict(base.source(), tensors));
    }

    static int[][] promptTokens() {
        INDArray t = ClipFixtures.npy("inputs/prompting/text_tokens.npy");
        int[][] rows = new int[(int) t.rows()][];
        for (int n = 0; n < rows.length; n++) {
            rows[n] = t.getRow(n).toIntVector();
        }
        return rows;
    }

    private static void save(Path file, ClipModel model, AdamW optimizer) throws Exception {
        TrainingCheckpoint.save(file, model, model.parameterKeys(), optimizer, CosineLrSchedule.vifiClip(1e-3, 2, 0, 3),
                new TrainingCheckpoint.RunState(0, 12.5, 1e-3, 1, 0), Map.of("TRAIN", Map.of("EPOCHS", 2)));
    }

    @Test
    void namesOrderAndRoundTrip() throws Exception {
        ClipModel model = fixtureModel();
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = promptTokens();
        int[] labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();

        // before any step: written, laid over the base weights with --checkpoint, gives PyTorch's logits again
        Path initial = dir.resolve("initial.pth");
        save(initial, model, AdamW.vifiClip(0.001));
        ClipModel reloaded = ClipModel.build(Checkpoints.loadFineTuned(ClipFixtures.torchScript(), initial));
        assertEquals(model.prompts(), reloaded.prompts());
        assertEquals(model.trainableParameters(), reloaded.trainableParameters());
        assertClose("logits via checkpoint", ClipFixtures.npy("expected/prompting/logits.npy"), reloaded.logits(video, tokens));

        // one AdamW step, then the file's layout
        AdamW optimizer = AdamW.vifiClip(0.001);
        Map<String, INDArray> params = new LinkedHashMap<>();
        model.trainableParameters().forEach(k -> params.put(k, model.parameter(k)));
        try (ClipModel.Gradients g = model.gradients(video, tokens, labels)) {
            optimizer.step(params, g.byParameter(), 1e-3);
        }
        Path file = dir.resolve("stepped.pth");
        save(file, model, optimizer);
        Map<?, ?> root = (Map<?, ?>) TorchCheckpointReader.read(file);
        List<String> expectedNames = new ArrayList<>();
        for (String line : Files.readAllLines(ClipFixtures.file("expected/vificlip_named_parameters_prompting.txt"))) {
            if (!line.isBlank()) expectedNames.add("module." + line.trim());
        }
        assertEquals(expectedNames, new ArrayList<>(((Map<?, ?>) root.get("model")).keySet().stream().map(Object::toString).toList()),
                "model: ViFi-CLIP's named_parameters(), in its order, with DDP's prefix");
        for (String name : List.of("module.prompt_learner.ctx", "module.image_encoder.VPT",
                "module.image_encoder.transformer.resblocks.1.VPT_shallow", "module.text_encoder.transformer.resblocks.1.VPT_shallow")) {
            assertTrue(expectedNames.contains(name), name);
        }
        Map<?, ?> state = (Map<?, ?>) ((Map<?, ?>) root.get("optimizer")).get("state");
        List<Integer> stateIndices = state.keySet().stream().map(k -> ((Number) k).intValue()).sorted().toList();
        List<Integer> promptIndices = new ArrayList<>();
        for (int i = 0; i < expectedNames.size(); i++) {
            if (PromptConfig.isPromptKey(org.vificlip.checkpoint.ViFiClipNames.toOpenAi(expectedNames.get(i)))) promptIndices.add(i);
        }
        assertEquals(promptIndices, stateIndices, "AdamW state for the prompts only, at their model.parameters() indices");
        List<?> groupParams = (List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) root.get("optimizer")).get("param_groups")).get(0)).get("params");
        assertEquals(expectedNames.size(), groupParams.size(), "one group over all of model.parameters()");

        // --resume into a model with other prompts: the stepped prompts and AdamW's state, to the bit
        PromptConfig design = model.prompts().orElseThrow();
        ClipModel fresh = ClipModel.build(model.config(),
                PromptParameters.forTraining(ClipFixtures.baseWeights(), model.config(), design, 99), design);
        assertFalse(fresh.parameter(PromptConfig.TEXT_CONTEXT).equals(model.parameter(PromptConfig.TEXT_CONTEXT)));
        AdamW restored = AdamW.vifiClip(0.001);
        TrainingCheckpoint.Resume r = TrainingCheckpoint.load(file, fresh, fresh.parameterKeys(), restored);
        assertEquals(1, r.nextEpoch());
        for (String key : model.parameterKeys()) {
            assertEquals(0.0, fresh.parameter(key).sub(model.parameter(key)).amaxNumber().doubleValue(), key);
        }
        assertEquals(optimizer.states().keySet(), restored.states().keySet());
        for (String key : model.trainableParameters()) {
            AdamW.State a = optimizer.states().get(key);
            AdamW.State b = restored.states().get(key);
            assertEquals(a.step(), b.step());
            assertEquals(a.expAvg(), b.expAvg(), key);
            assertEquals(a.expAvgSq(), b.expAvgSq(), key);
        }
    }

    /**
     * The model commands on a prompt checkpoint: {@code classify} builds the prompted model and ViFi-CLIP's
     * "X X X X {class}." prompts from it (PyTorch's logits), and {@code export} keeps the prompts, so the
     * exported file alone gives the same model.
     */
    @Test
    void classifyAndExportUseThePrompts() throws Exception {
        Path checkpoint = dir.resolve("prompts.pth");
        save(checkpoint, fixtureModel(), AdamW.vifiClip(0.001));
        Path logits = dir.resolve("logits.npy");
        MainRunner cli = new MainRunner();
        cli.beforeEach(null);
        try {
            assertEquals(0, cli.run("classify", "--weights", ClipFixtures.torchScript().toString(), "--checkpoint",
                    checkpoint.toString(), "--frames", ClipFixtures.file("inputs/video.npy").toString(), "--labels",
                    ClipFixtures.file("classes.txt").toString(), "--out", logits.toString()), cli.stderr());
            assertTrue(cli.stderr().contains("prompts: 4 text tokens to depth 2, 4 vision tokens to depth 2"), cli.stderr());
            assertEquals(2, cli.run("classify", "--weights", ClipFixtures.torchScript().toString(), "--checkpoint",
                    checkpoint.toString(), "--frames", ClipFixtures.file("inputs/video.npy").toString(), "--labels",
                    ClipFixtures.file("classes.txt").toString(), "--template", "a video of {}."), "--template is refused");
            Path exported = dir.resolve("exported.safetensors");
            assertEquals(0, cli.run("export", "--weights", ClipFixtures.torchScript().toString(), "--checkpoint",
                    checkpoint.toString(), "--out", exported.toString()), cli.stderr());
            ClipModel fromExport = ClipModel.build(Checkpoints.load(exported));
            assertClose("logits of the exported model", ClipFixtures.npy("expected/prompting/logits.npy"),
                    fromExport.logits(ClipFixtures.npy("inputs/video.npy"), promptTokens()));
        } finally {
            cli.afterEach(null);
        }
        assertClose("classify logits", ClipFixtures.npy("expected/prompting/logits.npy"), Nd4j.createFromNpyFile(logits.toFile()));
    }
}
