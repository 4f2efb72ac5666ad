package org.vificlip.video.avi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.data.NpyFile;
import org.vificlip.video.FrameTensor;
import org.vificlip.video.Normalization;
import org.vificlip.video.Preprocessing;
import org.vificlip.video.VideoFixtures;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;
import static org.vificlip.video.avi.AviFixtures.*;

/**
 * AVI frames through ViFi-CLIP's test pipeline (short side 256, centre crop 224, ImageNet normalisation)
 * against the reference tensors (fixtures README: mean |diff| <= 0.02).
 */
class AviPreprocessingTest {
    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void preprocessedTensorsMatchTheReference(String name) throws IOException {
        FrameTensor tensor;
        try (VideoReader reader = VideoReaders.open(dir().resolve(name))) {
            tensor = Preprocessing.test(reader.read(testIndices(name)), 224, Normalization.VIFI_CLIP);
        }
        NpyFile.Array expected = NpyFile.read(dir().resolve(name.replace(".avi", ".preprocessed.npy")));
        assertArrayEquals(expected.shape(), tensor.shape());
        VideoFixtures.assertTensorClose(name, tensor.data(), expected.floats());
    }
}
