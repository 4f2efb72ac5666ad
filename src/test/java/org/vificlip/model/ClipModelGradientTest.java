package org.vificlip.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.FixtureTolerance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/** Loss and autodiff gradients of the ViFi-CLIP graph against PyTorch's, for every trainable parameter. */
class ClipModelGradientTest {
    static ClipModel model;
    static INDArray video;
    static int[][] tokens;
    static int[] labels;

    @BeforeAll
    static void build() throws Exception {
        model = ClipModel.build(ClipFixtures.baseWeights());
        video = ClipFixtures.npy("inputs/video.npy");
        tokens = ClipFixtures.textTokens();
        labels = ClipFixtures.npy("inputs/labels.npy").toIntVector();
    }

    /** With activation recomputation on, the gradients must be the same (computed block by block). */
    @ParameterizedTest(name = "recompute activations: {0}")
    @ValueSource(booleans = {false, true})
    void crossEntropyGradientOfEveryParameter(boolean recompute) throws Exception {
        model.recomputeActivations(recompute);
        assertGradientsArePyTorchs(model);
    }

    /**
     * Without oneDNN (other platforms, the CUDA backend, {@code -Dvificlip.onednn=false}) attention is built
     * from M2.1's own ops and batched products run through ND4J: the same gradients.
     */
    @Test
    void withoutOneDnnAttentionIsBuiltFromNd4jOps() throws Exception {
        System.setProperty("vificlip.onednn", "false");
        try {
            assertGradientsArePyTorchs(ClipModel.build(ClipFixtures.baseWeights()));
        } finally {
            System.clearProperty("vificlip.onednn");
        }
    }

    private static void assertGradientsArePyTorchs(ClipModel model) throws Exception {
        ClipModel.Gradients g = model.gradients(video, tokens, labels);
        double expectedLoss = ClipFixtures.summary().get("loss_ce").getAsDouble();
        System.out.printf("loss_ce %.7f expected %.7f%n", g.loss(), expectedLoss);
        assertEquals(expectedLoss, g.loss(), FixtureTolerance.forScale(Math.abs(expectedLoss)));

        Set<String> expectedParams;
        try (Stream<Path> files = Files.list(ClipFixtures.file("expected/grads"))) {
            expectedParams = files.map(p -> p.getFileName().toString().replaceAll("\\.npy$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expectedParams, new TreeSet<>(model.trainableParameters()),
                "trainable parameters are exactly those the reference trains");
        assertEquals(expectedParams, new TreeSet<>(g.byParameter().keySet()));
        for (String p : expectedParams) {
            assertClose("grad " + p, ClipFixtures.npy("expected/grads/" + p + ".npy"), g.byParameter().get(p));
        }
    }

    /**
     * The recomputing segments read the model's own parameter arrays, not copies: after an in-place
     * update (as AdamW makes) both ways still give the same gradients.
     */
    @Test
    void recomputationSeesInPlaceUpdates() throws Exception {
        ClipModel fresh = ClipModel.build(ClipFixtures.baseWeights());
        fresh.recomputeActivations(true);
        fresh.gradients(video, tokens, labels).close();   // segments built, parameters shared
        for (String key : List.of("visual.transformer.resblocks.0.mlp.c_fc.weight", "transformer.resblocks.1.ln_1.bias",
                "visual.proj", "visual.conv1.weight", "positional_embedding")) {
            fresh.parameter(key).muli(1.5);
        }
        try (ClipModel.Gradients recomputed = fresh.gradients(video, tokens, labels)) {
            fresh.recomputeActivations(false);
            try (ClipModel.Gradients whole = fresh.gradients(video, tokens, labels)) {
                assertEquals(whole.loss(), recomputed.loss(), 1e-6);
                for (String p : fresh.trainableParameters()) {
                    assertClose("grad " + p, whole.byParameter().get(p), recomputed.byParameter().get(p));
                }
            }
        }
    }

    @Test
    void labelSmoothingLoss() throws Exception {
        double expected = ClipFixtures.summary().get("loss_label_smoothing_0.1").getAsDouble();
        double loss = model.loss(video, tokens, ClipModel.targets(labels, tokens.length, 0.1));
        System.out.printf("loss_label_smoothing_0.1 %.7f expected %.7f%n", loss, expected);
        assertEquals(expected, loss, FixtureTolerance.forScale(Math.abs(expected)));
    }
}
