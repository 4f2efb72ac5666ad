package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a tower's [N·L, W] residual stream splits back into N sequences of L tokens: L is fixed for
 * the image tower (patches + class token) and taken from the input for the text tower, which only
 * runs as many positions as the longest prompt needs.
 */
final class SequenceShape {
    private final SameDiff sd;
    /** [N, L] as a LONG vector, N possibly -1. */
    private final SDVariable batchAndLength;

    private SequenceShape(SameDiff sd, SDVariable batchAndLength) {
        this.sd = sd;
        this.batchAndLength = batchAndLength;
    }

    static SequenceShape fixedLength(SameDiff sd, int length) {
        return new SequenceShape(sd, sd.constant(Nd4j.createFromArray(-1L, length)));
    }

    /** N and L from the first two axes of {@code input} ([N, L, ...]). */
    static SequenceShape of(SameDiff sd, SDVariable input) {
        SDVariable shape = sd.shape(input).castTo(org.nd4j.linalg.api.buffer.DataType.LONG);
        return new SequenceShape(sd, sd.stridedSlice(shape, new long[]{0}, new long[]{2}, new long[]{1}));
    }

    /** [N, L] (LONG), N possibly -1. */
    SDVariable batchAndLength() {
        return batchAndLength;
    }

    private SDVariable packedHeads;

    /**
     * [N, L, 3, heads, headDim], the shape that splits the packed q/k/v projection [N·L, 3·W] into
     * attention heads (built once per tower).
     */
    SDVariable packedHeads(int heads, int headDim) {
        if (packedHeads == null) {
            packedHeads = sd.concat(0, batchAndLength, sd.constant(Nd4j.createFromArray(3L, heads, headDim)));
        }
        return packedHeads;
    }

    /** [N, L, width], the stream as sequences. */
    SDVariable sequences(int width) {
        return sd.concat(0, batchAndLength, sd.constant(Nd4j.createFromArray((long) width)));
    }
}
