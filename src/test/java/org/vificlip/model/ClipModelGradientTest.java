package org.vificlip.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.StateDict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vificlip.model.ClipFixture.assertClose;

/** Loss and autodiff gradients of the ViFi-CLIP graph against PyTorch's, for every trainable parameter. */
class ClipModelGradientTest {
    static final ClipFixture FIXTURE = new ClipFixture();
    static ClipModel model;
    static INDArray video;
    static int[][] tokens;
    static int[] labels;

    @BeforeAll
    static void build() throws Exception {
        StateDict weights = ClipFixture.npyDirectory(Path.of("/tmp/tiny-a-npy"));
        model = ClipModel.build(weights);
        video = FIXTURE.npy("inputs/video.npy");
        tokens = TokenEmbedding.rows(FIXTURE.npy("inputs/text_tokens.npy"));
        labels = FIXTURE.npy("inputs/labels.npy").toIntVector();
    }

    @Test
    void crossEntropyGradientOfEveryParameter() throws Exception {
        ClipModel.Gradients g = model.gradients(video, tokens, labels);
        double expectedLoss = FIXTURE.summary().get("loss_ce").getAsDouble();
        System.out.printf("loss_ce %.7f expected %.7f%n", g.loss(), expectedLoss);
        assertEquals(expectedLoss, g.loss(), 1e-4 + 1e-3 * Math.abs(expectedLoss));

        Set<String> expectedParams;
        try (Stream<Path> files = Files.list(FIXTURE.file("expected/grads"))) {
            expectedParams = files.map(p -> p.getFileName().toString().replaceAll("\\.npy$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expectedParams, new TreeSet<>(model.trainableParameters()),
                "trainable parameters are exactly those the reference trains");
        assertEquals(expectedParams, new TreeSet<>(g.byParameter().keySet()));
        for (String p : expectedParams) {
            assertClose("grad " + p, FIXTURE.npy("expected/grads/" + p + ".npy"), g.byParameter().get(p));
        }
    }

    @Test
    void labelSmoothingLoss() throws Exception {
        double expected = FIXTURE.summary().get("loss_label_smoothing_0.1").getAsDouble();
        double loss = model.loss(video, tokens, ClipModel.targets(labels, tokens.length, 0.1));
        System.out.printf("loss_label_smoothing_0.1 %.7f expected %.7f%n", loss, expected);
        assertEquals(expected, loss, 1e-4 + 1e-3 * Math.abs(expected));
    }
}
