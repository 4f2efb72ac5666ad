package org.vificlip.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.FixtureTolerance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/** A ViFi-CLIP training checkpoint over the base weights gives ViFi-CLIP's own features and logits. */
class VifiClipCheckpointParityTest {
    @Test
    void fineTunedModelMatchesReference() throws Exception {
        ClipModel model = ClipModel.build(ClipFixtures.fineTunedWeights());
        INDArray video = ClipFixtures.npy("inputs/video.npy");
        int[][] tokens = ClipFixtures.textTokens();
        List<String> expected;
        try (Stream<Path> files = Files.list(ClipFixtures.file("expected/vificlip_checkpoint"))) {
            expected = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(List.of("logits.npy", "text_features.npy", "video_features.npy"), expected,
                "every expected array is checked below");
        assertClose("vificlip_checkpoint/video_features", ClipFixtures.npy("expected/vificlip_checkpoint/video_features.npy"),
                model.encodeVideos(video).video());
        assertClose("vificlip_checkpoint/text_features", ClipFixtures.npy("expected/vificlip_checkpoint/text_features.npy"),
                model.encodeText(tokens));
        assertClose("vificlip_checkpoint/logits", ClipFixtures.npy("expected/vificlip_checkpoint/logits.npy"),
                model.logits(video, tokens));
        // and it is not the base model: the base logits are outside tolerance of these
        INDArray base = ClipFixtures.npy("expected/logits.npy");
        INDArray tuned = ClipFixtures.npy("expected/vificlip_checkpoint/logits.npy");
        org.junit.jupiter.api.Assertions.assertTrue(base.sub(tuned).amaxNumber().doubleValue()
                > FixtureTolerance.forScale(tuned.amaxNumber().doubleValue()), "fixture distinguishes base from fine-tuned");
    }
}
