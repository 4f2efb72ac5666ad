package org.vificlip.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.testing.FixtureTolerance;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The released architectures at full size, from random weights of the real shapes: the graph builds,
 * runs image and text features with the right shapes, and keeps the properties parity cannot show on
 * the tiny fixture at this size (a batch is encoded as its items one by one; text after the end token
 * does not matter, so the causal mask works at 77 tokens).
 * Set {@code -Dfullsize.large=true} to add ViT-L/14 (1.7 GB of weights).
 */
@Tag("fullsize")
class FullSizeModelTest {
    /** OpenAI's ViT-B/16: embed 512, vision 768×12 patch 16 at 224, text 512×12. */
    static final ClipConfig VIT_B_16 = new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 12);
    /** OpenAI's ViT-L/14: embed 768, vision 1024×24 patch 14 at 224, text 768×12. */
    static final ClipConfig VIT_L_14 = new ClipConfig(768, 224, 24, 1024, 14, 77, 49408, 768, 12);

    @Test
    void vitB16() throws Exception {
        check(VIT_B_16);
    }

    /** The features and text-features commands on a ViT-B/16-shaped safetensors file. */
    @Test
    void vitB16Commands(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        StateDict weights = RandomWeights.of(VIT_B_16, 42);
        Path file = tmp.resolve("vit-b-16-random.safetensors");
        org.vificlip.checkpoint.Safetensors.write(weights.tensors(), file);
        Nd4j.getRandom().setSeed(3);
        Path frames = tmp.resolve("frames.npy");
        Nd4j.writeAsNumpy(Nd4j.randn(DataType.FLOAT, 1, 2, 3, 224, 224), frames.toFile());
        Path labels = tmp.resolve("labels.txt");
        java.nio.file.Files.writeString(labels, "archery\nplaying guitar\nriding a horse\n");

        Path video = tmp.resolve("video.npy");
        assertEquals(0, org.vificlip.cli.Main.run(new String[]{"features", "--weights", file.toString(),
                "--frames", frames.toString(), "--out", video.toString()}));
        Path text = tmp.resolve("text.npy");
        assertEquals(0, org.vificlip.cli.Main.run(new String[]{"text-features", "--weights", file.toString(),
                "--labels", labels.toString(), "--out", text.toString()}));

        INDArray videoFeatures = Nd4j.createFromNpyFile(video.toFile());
        INDArray textFeatures = Nd4j.createFromNpyFile(text.toFile());
        assertArrayEquals(new long[]{1, 512}, videoFeatures.shape());
        assertArrayEquals(new long[]{3, 512}, textFeatures.shape());
        assertFinite(videoFeatures);
        assertFinite(textFeatures);
        // the same numbers as the API on the same weights
        ClipModel model = ClipModel.build(weights);
        assertClose(model.encodeVideos(Nd4j.createFromNpyFile(frames.toFile())).video(), videoFeatures, "features command");
        int[][] prompts = org.vificlip.text.ClipTokenizer.load().tokenize(
                java.util.List.of("a photo of a archery.", "a photo of a playing guitar.", "a photo of a riding a horse."),
                VIT_B_16.contextLength(), true);
        assertClose(model.encodeText(prompts), textFeatures, "text-features command");
        assertTrue(textFeatures.getRow(0).distance2(textFeatures.getRow(1)) > 1e-3, "different prompts, different features");
    }

    @Test
    void vitL14() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("fullsize.large"), "set -Dfullsize.large=true");
        check(VIT_L_14);
    }

    private static void check(ClipConfig config) throws Exception {
        ClipModel model = ClipModel.build(RandomWeights.of(config, 42));
        assertEquals(config, model.config(), "architecture inferred back from the weights");

        int s = config.imageResolution();
        Nd4j.getRandom().setSeed(7);
        INDArray frames = Nd4j.randn(DataType.FLOAT, 1, 2, 3, s, s);
        ClipModel.VideoFeatures video = model.encodeVideos(frames);
        assertArrayEquals(new long[]{1, config.embedDim()}, video.video().shape());
        assertArrayEquals(new long[]{1, 2, config.embedDim()}, video.frames().shape());
        assertFinite(video.video());
        INDArray second = model.encodeImages(frames.get(NDArrayIndex.point(0), NDArrayIndex.interval(1, 2)));
        assertClose(video.frames().get(NDArrayIndex.point(0), NDArrayIndex.point(1)).reshape(1, config.embedDim()), second,
                "the second frame alone equals its row of the batch");

        int[][] tokens = {prompt(config, 320, 1125, 539), prompt(config, 320, 1125, 539, 4558, 8984, 269),
                prompt(config, 1929, 269), prompt(config, 320, 1125, 539)};
        tokens[3][5] = 1000; // after the end token (4), within the longest prompt: a causal tower cannot see it
        INDArray text = model.encodeText(tokens);
        assertArrayEquals(new long[]{4, config.embedDim()}, text.shape());
        assertFinite(text);
        assertClose(text.getRow(0, true), text.getRow(3, true), "tokens after the end token change nothing");
        assertTrue(text.getRow(0).distance2(text.getRow(1)) > 1e-3, "different prompts, different features");
    }

    /** start, ids, end, zero padding to the context length. */
    private static int[] prompt(ClipConfig config, int... ids) {
        int[] row = new int[config.contextLength()];
        row[0] = config.vocabSize() - 2;
        System.arraycopy(ids, 0, row, 1, ids.length);
        row[ids.length + 1] = config.vocabSize() - 1;
        return row;
    }

    private static void assertFinite(INDArray a) {
        assertFalse(a.isNaN().any() || a.isInfinite().any(), "finite features");
    }

    /** The fixtures' tolerance, and the same shape. */
    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        FixtureTolerance.assertClose(what, expected, actual);
    }
}
