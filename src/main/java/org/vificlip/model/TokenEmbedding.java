package org.vificlip.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The text tower's inputs, computed outside the graph: token embeddings (a row lookup in
 * {@code token_embedding.weight}, frozen in ViFi-CLIP) and the one-hot of each prompt's end token,
 * the position of its largest id as CLIP's {@code text.argmax(dim=-1)} finds it.
 */
final class TokenEmbedding {
    private final INDArray table;
    private final int contextLength;

    /** @param table [vocab, width] */
    TokenEmbedding(INDArray table, int contextLength) {
        this.table = table.dataType() == DataType.FLOAT ? table : table.castTo(DataType.FLOAT);
        this.contextLength = contextLength;
    }

    /** @param tokens N rows of exactly {@code contextLength} ids → [N, L, W] */
    INDArray embed(int[][] tokens) {
        long vocab = table.rows();
        int[] flat = new int[tokens.length * contextLength];
        for (int n = 0; n < tokens.length; n++) {
            int[] row = tokens[n];
            if (row.length != contextLength) {
                throw new IllegalArgumentException("token row " + n + " has " + row.length
                        + " ids, the model's context length is " + contextLength);
            }
            for (int i = 0; i < contextLength; i++) {
                if (row[i] < 0 || row[i] >= vocab) {
                    throw new IllegalArgumentException("token id " + row[i] + " (row " + n + ") is outside the vocabulary of " + vocab);
                }
            }
            System.arraycopy(row, 0, flat, n * contextLength, contextLength);
        }
        return table.getRows(flat).reshape('c', tokens.length, contextLength, table.columns());
    }

    /** [N, L] float one-hot of argmax(ids) per row (first maximum, as torch.argmax). */
    INDArray endTokenOneHot(int[][] tokens) {
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, tokens.length, contextLength);
        for (int n = 0; n < tokens.length; n++) {
            oneHot.putScalar(n, endTokenPosition(tokens[n]), 1.0f);
        }
        return oneHot;
    }

    static int endTokenPosition(int[] ids) {
        int best = 0;
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] > ids[best]) {
                best = i;
            }
        }
        return best;
    }

    /** An int [N, L] array (e.g. loaded from .npy) as rows of ids. */
    static int[][] rows(INDArray tokens) {
        if (tokens.rank() != 2) {
            throw new IllegalArgumentException("tokens must be [N, L], got " + java.util.Arrays.toString(tokens.shape()));
        }
        int[][] rows = new int[(int) tokens.rows()][];
        INDArray ints = tokens.castTo(DataType.INT);
        for (int n = 0; n < rows.length; n++) {
            rows[n] = ints.getRow(n).toIntVector();
        }
        return rows;
    }
}
