package org.vificlip.video;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Preprocessed frames, float32 {@code [frames, 3, size, size]} in C order (channel planes R, G, B),
 * ready for CLIP's image encoder.
 */
public record FrameTensor(float[] data, int frames, int size) {
    public FrameTensor {
        if (data.length != frames * 3 * size * size) {
            throw new IllegalArgumentException("data length " + data.length + " != " + frames + "x3x" + size + "x" + size);
        }
    }

    public long[] shape() {
        return new long[]{frames, 3, size, size};
    }

    /** A new ND4J array {@code [frames,3,size,size]} holding a copy of the data. */
    public INDArray toINDArray() {
        return Nd4j.create(data, shape(), DataType.FLOAT);
    }

    /** A new ND4J array {@code [1,frames,3,size,size]}: this video as a batch of one. */
    public INDArray toBatchINDArray() {
        return Nd4j.create(data, new long[]{1, frames, 3, size, size}, DataType.FLOAT);
    }
}
