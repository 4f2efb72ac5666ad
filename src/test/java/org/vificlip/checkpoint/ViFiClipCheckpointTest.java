package org.vificlip.checkpoint;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ViFi-CLIP training checkpoint laid over the base weights, as ViFi-CLIP's load_checkpoint does. */
class ViFiClipCheckpointTest {

    private static StateDict base;
    private static ViFiClipCheckpoint.Overlay overlay;
    private static Map<String, TensorSource> raw; // the checkpoint's 'model' entries, module. prefix removed

    @BeforeAll
    static void load() throws IOException {
        base = Checkpoints.load(ClipFixtures.torchScript());
        overlay = Checkpoints.overlay(base, ClipFixtures.vificlip());
        try (TorchZipArchive zip = TorchZipArchive.open(ClipFixtures.vificlip())) {
            Map<?, ?> root = (Map<?, ?>) zip.readDataPickle();
            raw = ClipNames.stripPrefix(PickledWeights.ofStateDict((Map<?, ?>) root.get("model")).tensors(), "module.");
            // materialise now, while the archive is open
            Map<String, TensorSource> copy = new java.util.LinkedHashMap<>();
            for (var e : raw.entrySet()) {
                float[] v = e.getValue().readFloats();
                long[] shape = e.getValue().shape();
                copy.put(e.getKey(), new Fixed(shape, v));
            }
            raw = copy;
        }
    }

    @Test
    void everyEncoderTensorOfTheCheckpointReplacesItsBaseParameter() throws IOException {
        int imageKeys = 0;
        int textKeys = 0;
        for (var e : raw.entrySet()) {
            String k = e.getKey();
            String target;
            if (k.startsWith("image_encoder.")) {
                target = "visual." + k.substring("image_encoder.".length());
                imageKeys++;
            } else if (k.startsWith("text_encoder.")) {
                target = k.substring("text_encoder.".length());
                textKeys++;
            } else if (k.equals("logit_scale")) {
                target = k;
            } else {
                continue;
            }
            INDArray expected = Nd4j.create(e.getValue().readFloats(), e.getValue().shape(), 'c');
            INDArray actual = overlay.weights().get(target);
            assertEquals(0.0, actual.reshape(expected.shape()).sub(expected).amaxNumber().doubleValue(), 0.0, target);
            assertTrue(overlay.replaced().contains(target), target);
        }
        assertTrue(imageKeys > 0 && textKeys > 0, "fixture has image and text encoder keys");
        assertEquals(overlay.replaced().size(), imageKeys + textKeys + 1);
    }

    @Test
    void fineTunedWeightsDifferFromTheBase() {
        for (String k : overlay.replaced()) {
            if (k.equals("logit_scale") || k.endsWith("class_embedding")) continue;
            double diff = overlay.weights().get(k).sub(base.get(k)).amaxNumber().doubleValue();
            assertTrue(diff > 0, k + " was changed by fine-tuning");
        }
    }

    @Test
    void tokenEmbeddingStaysTheBaseOne() {
        assertFalse(overlay.replaced().contains("token_embedding.weight"));
        assertEquals(0.0, overlay.weights().get("token_embedding.weight").sub(base.get("token_embedding.weight"))
                .amaxNumber().doubleValue(), 0.0);
        assertEquals(base.tensors().keySet(), overlay.weights().tensors().keySet());
    }

    @Test
    void promptCachesAreSkippedAsViFiClipDoes() {
        assertTrue(overlay.skipped().stream().anyMatch(k -> k.endsWith("prompt_learner.complete_text_embeddings")),
                "skipped: " + overlay.skipped());
        assertTrue(overlay.unmatched().isEmpty(), "unmatched: " + overlay.unmatched().keySet());
    }

    /**
     * logit_scale comes from the checkpoint: the reference logits of the fine-tuned model are
     * exp(logit_scale)·cos(video, text), so their ratio to the cosines gives it back.
     */
    @Test
    void logitScaleMatchesTheReferenceLogits() throws IOException {
        Path dir = ClipFixtures.dir().resolve("expected/vificlip_checkpoint");
        INDArray v = Nd4j.createFromNpyFile(dir.resolve("video_features.npy").toFile());
        INDArray t = Nd4j.createFromNpyFile(dir.resolve("text_features.npy").toFile());
        INDArray logits = Nd4j.createFromNpyFile(dir.resolve("logits.npy").toFile());
        v = v.divColumnVector(v.norm2(1).reshape(-1, 1));
        t = t.divColumnVector(t.norm2(1).reshape(-1, 1));
        INDArray cos = v.mmul(t.transpose());
        double scale = Math.log(logits.getDouble(0, 0) / cos.getDouble(0, 0));
        assertEquals(scale, overlay.weights().get("logit_scale").getDouble(0), 1e-3);
        assertTrue(Math.abs(scale - base.get("logit_scale").getDouble(0)) > 1e-2, "the fixture's scale was fine-tuned");
    }

    @Test
    void loadFineTunedGivesTheOverlaidWeights() throws IOException {
        StateDict sd = Checkpoints.loadFineTuned(ClipFixtures.torchScript(), ClipFixtures.vificlip());
        CheckpointsFixtureTest.assertSameWeights(overlay.weights(), sd, 0.0);
    }

    private record Fixed(long[] shape, float[] values) implements TensorSource {
        @Override
        public String dtype() {
            return "float32";
        }

        @Override
        public float[] readFloats() {
            return values;
        }
    }
}
