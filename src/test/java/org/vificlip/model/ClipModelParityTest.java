package org.vificlip.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.checkpoint.StateDict;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vificlip.model.ClipFixture.assertClose;

/** Forward parity of the image and text encoders and the ViFi-CLIP head against OpenAI CLIP / ViFi-CLIP. */
class ClipModelParityTest {
    static final ClipFixture FIXTURE = new ClipFixture();
    static ClipModel model;
    static INDArray video;
    static int[][] tokens;

    @BeforeAll
    static void build() throws Exception {
        StateDict weights = ClipFixture.npyDirectory(Path.of("/tmp/tiny-a-npy"));
        model = ClipModel.build(weights);
        video = FIXTURE.npy("inputs/video.npy");
        tokens = TokenEmbedding.rows(FIXTURE.npy("inputs/text_tokens.npy"));
    }

    @Test
    void architectureMatchesReference() throws Exception {
        var expected = FIXTURE.summary().getAsJsonObject("config");
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
        assertClose("frame_features (encodeImages)", FIXTURE.npy("expected/frame_features.npy"), model.encodeImages(images));
    }

    @Test
    void videoFeatures() {
        ClipModel.VideoFeatures f = model.encodeVideos(video);
        assertClose("video_features", FIXTURE.npy("expected/video_features.npy"), f.video());
        assertClose("frame_features (encodeVideos)", FIXTURE.npy("expected/frame_features.npy"),
                f.frames().reshape(video.size(0) * video.size(1), model.config().embedDim()));
    }

    @Test
    void textFeatures() {
        assertClose("text_features", FIXTURE.npy("expected/text_features.npy"), model.encodeText(tokens));
    }

    @Test
    void logits() {
        assertClose("logits", FIXTURE.npy("expected/logits.npy"), model.logits(video, tokens));
    }
}
