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

    @Test
    void labelSmoothingLoss() throws Exception {
        double expected = ClipFixtures.summary().get("loss_label_smoothing_0.1").getAsDouble();
        double loss = model.loss(video, tokens, ClipModel.targets(labels, tokens.length, 0.1));
        System.out.printf("loss_label_smoothing_0.1 %.7f expected %.7f%n", loss, expected);
        assertEquals(expected, loss, FixtureTolerance.forScale(Math.abs(expected)));
    }
}
