package org.vificlip.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.testing.ClipFixtures;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/** Forward parity of the image and text encoders and the ViFi-CLIP head against OpenAI CLIP / ViFi-CLIP. */
class ClipModelParityTest {
    static ClipModel model;
    static INDArray video;
    static int[][] tokens;

    @BeforeAll
    static void build() throws Exception {
        model = ClipModel.build(ClipFixtures.baseWeights());
        video = ClipFixtures.npy("inputs/video.npy");
        tokens = ClipFixtures.textTokens();
    }

    @Test
    void architectureMatchesReference() throws Exception {
        var expected = ClipFixtures.summary().getAsJsonObject("config");
        ClipConfig c = model.config();
        assertEquals(expected.get("embed_dim").getAsInt(), c.embedDim());
        assertEquals(expected.get("image_resolution").getAsInt(), c.imageResolution());
        assertEquals(expected.get("vision_layers").getAsInt(), c.visionLayers());
        assertEquals(expected.get("vision_width").getAsInt(), c.visionWidth());
        assertEquals(expected.get("vision_heads").getAsInt(), c.visionHeads());
        assertEquals(expected.get("vision_patch_size").getAsInt(), c.visionPatchSize());
        assertEquals(expected.get("context_length").getAsInt(), c.contextLength());
        assertEquals(expected.get("transformer_width").getAsInt(), c.textWidth());
        assertEquals(expected.get("transformer_heads").getAsInt(), c.textHeads());
        assertEquals(expected.get("transformer_layers").getAsInt(), c.textLayers());
    }

    @Test
    void frameFeatures() {
        long b = video.size(0), t = video.size(1);
        INDArray images = video.reshape(b * t, video.size(2), video.size(3), video.size(4));
        assertClose("frame_features (encodeImages)", ClipFixtures.npy("expected/frame_features.npy"), model.encodeImages(images));
    }

    @Test
    void videoFeatures() {
        ClipModel.VideoFeatures f = model.encodeVideos(video);
        assertClose("video_features", ClipFixtures.npy("expected/video_features.npy"), f.video());
        assertClose("frame_features (encodeVideos)", ClipFixtures.npy("expected/frame_features.npy"),
                f.frames().reshape(video.size(0) * video.size(1), model.config().embedDim()));
    }

    @Test
    void textFeatures() {
        assertClose("text_features", ClipFixtures.npy("expected/text_features.npy"), model.encodeText(tokens));
    }

    /** With a prompt that fills the whole context, every position runs: the same features. */
    @Test
    void textFeaturesAlongsideFullContextPrompt() {
        int context = model.config().contextLength();
        int[][] withLong = java.util.Arrays.copyOf(tokens, tokens.length + 1);
        int[] full = new int[context];
        java.util.Arrays.fill(full, 320);
        full[0] = tokens[0][0];
        full[context - 1] = tokens[0][TextInputs.endTokenPosition(tokens[0])]; // the end token, last
        withLong[tokens.length] = full;
        INDArray features = model.encodeText(withLong);
        assertClose("text_features (77-token batch)", ClipFixtures.npy("expected/text_features.npy"),
                features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, tokens.length)));
    }

    @Test
    void logits() {
        assertClose("logits", ClipFixtures.npy("expected/logits.npy"), model.logits(video, tokens));
    }

    @Test
    void logitsOfPrecomputedFeatures() {
        assertClose("logits (logitsOfFeatures)", ClipFixtures.npy("expected/logits.npy"),
                model.logitsOfFeatures(model.encodeVideos(video).video(), model.encodeText(tokens)));
    }
}
