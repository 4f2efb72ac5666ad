package org.vificlip.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * The text tower's placeholders, prepared outside the graph from token ids: the token embeddings (a
 * row lookup in {@code token_embedding.weight}, which ViFi-CLIP keeps frozen and ND4J M2.1 could not
 * differentiate anyway), the one-hot of each prompt's end token (the position of its largest id, as
 * CLIP's {@code text.argmax(dim=-1)}), the causal mask and the position selector.
 * <p>
 * Only the first L positions are fed, L = the longest prompt's end position + 1: the causal tower
 * gives the same end-token features for them as for the full context (see {@link TextTransformer}).
 */
final class TextInputs {
    private final INDArray table;
    private final int contextLength;

    /** @param table token_embedding.weight, [vocab, width] */
    TextInputs(INDArray table, int contextLength) {
        this.table = table.dataType() == DataType.FLOAT ? table : table.castTo(DataType.FLOAT);
        this.contextLength = contextLength;
    }

    /**
     * @param tokens N rows of exactly context-length ids (start, BPE ids, end, zero padding)
     * @return the placeholders {@link ClipModel#TOKEN_EMBEDDINGS}, {@link ClipModel#END_TOKEN},
     * {@link ClipModel#CAUSAL_MASK}, {@link ClipModel#POSITIONS}
     */
    Map<String, INDArray> prepare(int[][] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no prompts");
        }
        int[] ends = new int[tokens.length];
        int length = 0;
        for (int n = 0; n < tokens.length; n++) {
            validate(tokens[n], n);
            ends[n] = endTokenPosition(tokens[n]);
            length = Math.max(length, ends[n] + 1);
        }
        int[] flat = new int[tokens.length * length];
        INDArray endToken = Nd4j.zeros(DataType.FLOAT, tokens.length, length);
        for (int n = 0; n < tokens.length; n++) {
            System.arraycopy(tokens[n], 0, flat, n * length, length);
            endToken.putScalar(n, ends[n], 1.0f);
        }
        Map<String, INDArray> inputs = new HashMap<>();
        inputs.put(ClipModel.TOKEN_EMBEDDINGS, table.getRows(flat).reshape('c', tokens.length, length, table.columns()));
        inputs.put(ClipModel.END_TOKEN, endToken);
        inputs.put(ClipModel.CAUSAL_MASK, TextTransformer.causalMask(length));
        inputs.put(ClipModel.POSITIONS, TextTransformer.positionSelector(length, contextLength));
        return inputs;
    }

    private void validate(int[] row, int n) {
        if (row.length != contextLength) {
            throw new IllegalArgumentException("token row " + n + " has " + row.length
                    + " ids, the model's context length is " + contextLength);
        }
        long vocab = table.rows();
        for (int id : row) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " (row " + n + ") is outside the vocabulary of " + vocab);
            }
        }
    }

    /** First position of the largest id, as torch.argmax. */
    static int endTokenPosition(int[] ids) {
        int best = 0;
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] > ids[best]) {
                best = i;
            }
        }
        return best;
    }
}
