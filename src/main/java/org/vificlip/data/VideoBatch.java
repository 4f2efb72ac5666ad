package org.vificlip.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

/**
 * A batch of preprocessed videos: float32 {@code [batch, frames, 3, size, size]} in C order, with the
 * label and file of each video.
 */
public record VideoBatch(float[] data, int batch, int frames, int size, int[] labels, List<Path> videos) {
    public long[] shape() {
        return new long[]{batch, frames, 3, size, size};
    }

    /** A new ND4J array {@code [B,T,3,S,S]} (a copy). */
    public INDArray toINDArray() {
        return Nd4j.create(data, shape(), DataType.FLOAT);
    }

    /** The labels as an ND4J int32 vector {@code [B]}. */
    public INDArray labelsINDArray() {
        return Nd4j.createFromArray(labels);
    }
}
