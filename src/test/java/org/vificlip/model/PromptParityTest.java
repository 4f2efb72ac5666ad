package org.vificlip.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.FixtureTolerance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/**
 * ViFi-CLIP's bridge-and-prompt model (vision and language prompts, deep on both sides) on the frozen fixture
 * CLIP against PyTorch: logits and the cross-entropy gradient of every prompt parameter.
 */
class PromptParityTest {
    static ClipModel model;
    static JsonObject summary;

    @BeforeAll
    static void build() throws Exception {
        summary = ClipFixtures.summary().getAsJsonObject("prompting");
        StateDict base = ClipFixtures.baseWeights();
        Map<String, INDArray> tensors = new LinkedHashMap<>(base.tensors());
        for (JsonElement p : summary.getAsJsonArray("parameters")) {
            tensors.put(p.getAsString(), ClipFixtures.npy("inputs/prompting/" + p.getAsString() + ".npy"));
        }
        model = ClipModel.build(new StateDict(base.source(), tensors));
    }

    @Test
    void designIsReadFromTheWeights() {
        PromptConfig p = model.prompts().orElseThrow();
        assertEquals(summary.get("n_ctx_text").getAsInt(), p.nCtxText());
        assertEquals(summary.get("n_ctx_vision").getAsInt(), p.nCtxVision());
        assertEquals(summary.get("prompt_depth_text").getAsInt(), p.depthText());
        assertEquals(summary.get("prompt_depth_vision").getAsInt(), p.depthVision());
    }

    /** With activation recomputation on and off (its block segments put the deep prompts in place too). */
    @ParameterizedTest(name = "recompute activations: {0}")
    @ValueSource(booleans = {false, true})
    void logitsAndPromptGradientsMatchViFiClip(boolean recompute) throws Exception {
        model.recomputeActivations(recompute);
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = tokens();
        assertClose("prompting logits", ClipFixtures.npy("expected/prompting/logits.npy"), model.logits(video, tokens));

        Set<String> expected;
        try (Stream<Path> files = Files.list(ClipFixtures.file("expected/prompting/grads"))) {
            expected = files.map(f -> f.getFileName().toString().replaceAll("\\.npy$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, new TreeSet<>(model.trainableParameters()), "only the prompts are trained");
        assertTrue(model.parameterKeys().containsAll(expected) && model.parameterKeys().size() > expected.size(),
                "the checkpoint keys hold the frozen encoders too");

        ClipModel.Gradients g = model.gradients(video, tokens, ClipFixtures.npy("inputs/labels.npy").toIntVector());
        double loss = summary.get("loss_ce").getAsDouble();
        System.out.printf("prompting loss_ce %.7f expected %.7f%n", g.loss(), loss);
        assertEquals(loss, g.loss(), FixtureTolerance.forScale(Math.abs(loss)));
        assertEquals(expected, new TreeSet<>(g.byParameter().keySet()), "gradients of the prompts only");
        for (String p : expected) {
            assertClose("grad " + p, ClipFixtures.npy("expected/prompting/grads/" + p + ".npy"), g.byParameter().get(p));
        }
    }

    /**
     * One prompt token a side (the fixture's first), deep on both sides: no reference run exists for it, so the
     * gradient is checked against central differences of the loss (M2.1 once failed on size-1 prompt axes).
     */
    @Test
    void singleTokenPromptGradientsMatchFiniteDifferences() throws Exception {
        StateDict base = ClipFixtures.baseWeights();
        Map<String, INDArray> tensors = new LinkedHashMap<>(base.tensors());
        for (JsonElement p : summary.getAsJsonArray("parameters")) {
            INDArray full = ClipFixtures.npy("inputs/prompting/" + p.getAsString() + ".npy");
            tensors.put(p.getAsString(), full.getRows(0).dup());
        }
        ClipModel one = ClipModel.build(new StateDict(base.source(), tensors));
        assertEquals(1, one.prompts().orElseThrow().nCtxText());
        int[][] tokens = tokens();
        for (int[] row : tokens) {  // "X X X X {class}." -> "X {class}.": drop three X's
            System.arraycopy(row, 5, row, 2, row.length - 5);
            java.util.Arrays.fill(row, row.length - 3, row.length, 0);
        }
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[] labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();
        INDArray targets = ClipModel.targets(labels, tokens.length, 0.0);
        ClipModel.Gradients g = one.gradients(video, tokens, targets);
        double h = 1e-2;
        for (String key : one.trainableParameters()) {
            INDArray param = one.parameter(key);
            INDArray grad = g.byParameter().get(key);
            int worst = org.nd4j.linalg.factory.Nd4j.argMax(org.nd4j.linalg.ops.transforms.Transforms.abs(grad.reshape(grad.length()))).getInt(0);
            for (int index : new int[]{worst, 7}) {
                double saved = param.getDouble(index);
                param.putScalar(index, saved + h);
                double up = one.loss(video, tokens, targets);
                param.putScalar(index, saved - h);
                double down = one.loss(video, tokens, targets);
                param.putScalar(index, saved);
                double numeric = (up - down) / (2 * h);
                double analytic = grad.getDouble(index);
                System.out.printf("%-45s [%d] autodiff %.5f  central difference %.5f%n", key, index, analytic, numeric);
                assertEquals(numeric, analytic, 0.02 + 0.02 * Math.abs(numeric), key + "[" + index + "]");
            }
        }
    }

    /** "X X X X {class}." of the fixture's classes. */
    static int[][] tokens() {
        INDArray t = ClipFixtures.npy("inputs/prompting/text_tokens.npy");
        int[][] rows = new int[(int) t.rows()][];
        for (int n = 0; n < rows.length; n++) {
            rows[n] = t.getRow(n).toIntVector();
        }
        return rows;
    }
}
