package org.vificlip.spark;

import java.io.Serializable;

/** One video's outcome on an executor: its feature vector, or why it was skipped ({@code feature} null). */
public record VideoResult(String path, int label, int line, float[] feature, String problem) implements Serializable {
    boolean skipped() {
        return feature == null;
    }
}
