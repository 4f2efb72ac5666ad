package org.vificlip.checkpoint;

import java.io.IOException;

/**
 * A tensor in a checkpoint whose shape is known but whose values are only read on demand, so that
 * architecture inference and validation run before any weight is converted, and entries nobody needs
 * (optimizer state, prompt caches) are never read at all.
 */
interface TensorSource {
    long[] shape();

    /** Element type for messages ({@code float16}, ...). */
    String dtype();

    /** @return null when the values can be read, else why not (an unsupported dtype, ...) */
    default String unsupportedReason() {
        return null;
    }

    /** The values in row-major (C) order, converted to float32. */
    float[] readFloats() throws IOException;

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
