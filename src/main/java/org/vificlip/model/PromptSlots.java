package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a sequence's prompt tokens sit, as two matrices: {@code place} [L, n] with a 1 at (slot j's
 * position, j) and {@code keep} [L, 1], 0 at the slots and 1 elsewhere. Overwriting the slots of
 * x [N, L, W] with prompt tokens P [n, W] is then {@code x·keep + place·P}: differentiable in both, with
 * no gather or scatter (M2.1 cannot differentiate those), and the slots' old values get no gradient, as
 * with ViFi-CLIP's {@code torch.cat} of prefix, prompts and suffix.
 */
final class PromptSlots {
    private final SDVariable place;
    private final SDVariable keep;

    private PromptSlots(SDVariable place, SDVariable keep) {
        this.place = place;
        this.keep = keep;
    }

    /**
     * The text side: positions 1..n (after the start token) of a sequence of the dynamic length the
     * position selector {@code positions} [L, context] gives: both matrices are the selector times
     * constants over the whole context (no reduction: M2.1 fails on reducing a size-1 axis here).
     */
    static PromptSlots afterStartToken(SameDiff sd, SDVariable positions, int contextLength, int n) {
        INDArray select = Nd4j.zeros(DataType.FLOAT, contextLength, n);
        INDArray keep = Nd4j.ones(DataType.FLOAT, contextLength, 1);
        for (int j = 0; j < n; j++) {
            select.putScalar(1 + j, j, 1.0f);
            keep.putScalar(1 + j, 0, 0.0f);
        }
        return new PromptSlots(sd.mmul(positions, sd.constant(select)), sd.mmul(positions, sd.constant(keep)));
    }

    /** The vision side: the last n of {@code length} tokens. */
    static PromptSlots last(SameDiff sd, int length, int n) {
        INDArray place = Nd4j.zeros(DataType.FLOAT, length, n);
        INDArray keep = Nd4j.ones(DataType.FLOAT, length, 1);
        for (int j = 0; j < n; j++) {
            place.putScalar(length - n + j, j, 1.0f);
            keep.putScalar(length - n + j, 0, 0.0f);
        }
        return new PromptSlots(sd.constant(place), sd.constant(keep));
    }

    /** @param x [N, L, W], prompt [n, W] → x with its slots holding the prompt tokens, [N, L, W] */
    SDVariable overwrite(SameDiff sd, SDVariable x, SDVariable prompt) {
        return x.mul(keep).add(sd.mmul(place, prompt));
    }
}
