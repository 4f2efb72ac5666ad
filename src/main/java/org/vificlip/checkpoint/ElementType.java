package org.vificlip.checkpoint;

import org.nd4j.linalg.api.buffer.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Map;

/**
 * The element types a checkpoint tensor may be stored in, with PyTorch's legacy storage class and ND4J's
 * type for each, and their bulk conversion to float32. Conversion works on whole buffers (no per-element
 * objects) because OpenAI's ViT-L/14 alone holds ~430 M fp16 values.
 */
enum ElementType {
    FLOAT16("float16", 2, "HalfStorage", DataType.HALF),
    BFLOAT16("bfloat16", 2, "BFloat16Storage", DataType.BFLOAT16),
    FLOAT32("float32", 4, "FloatStorage", DataType.FLOAT),
    FLOAT64("float64", 8, "DoubleStorage", DataType.DOUBLE),
    INT64("int64", 8, "LongStorage", DataType.LONG),
    INT32("int32", 4, "IntStorage", DataType.INT),
    INT16("int16", 2, "ShortStorage", DataType.SHORT),
    INT8("int8", 1, "CharStorage", DataType.BYTE),
    UINT8("uint8", 1, "ByteStorage", DataType.UBYTE),
    BOOL("bool", 1, "BoolStorage", DataType.BOOL);

    final String displayName;
    final int size;
    /** PyTorch's legacy storage class, as {@code torch.save} pickles it ({@code torch.HalfStorage}). */
    final String torchStorage;
    /** ND4J's type with the same bytes per element and encoding. */
    final DataType nd4j;

    ElementType(String displayName, int size, String torchStorage, DataType nd4j) {
        this.displayName = displayName;
        this.size = size;
        this.torchStorage = torchStorage;
        this.nd4j = nd4j;
    }

    boolean isFloatingPoint() {
        return this == FLOAT16 || this == BFLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /** safetensors' dtype codes. */
    private static final Map<String, ElementType> SAFETENSORS = Map.of(
            "F16", FLOAT16, "BF16", BFLOAT16, "F32", FLOAT32, "F64", FLOAT64, "I64", INT64,
            "I32", INT32, "I16", INT16, "I8", INT8, "U8", UINT8, "BOOL", BOOL);

    /** @return the type for a storage class name such as {@code HalfStorage}, or null if unsupported */
    static ElementType ofTorchStorage(String className) {
        for (ElementType t : values()) {
            if (t.torchStorage.equals(className)) return t;
        }
        return null;
    }

    /** @return the type of an ND4J array's elements, or null if PyTorch has no storage class for it */
    static ElementType ofNd4j(DataType type) {
        for (ElementType t : values()) {
            if (t.nd4j == type) return t;
        }
        return null;
    }

    /** @return the type for a safetensors dtype code such as {@code F16}, or null if unsupported */
    static ElementType ofSafetensors(String code) {
        return SAFETENSORS.get(code.toUpperCase(Locale.ROOT));
    }

    /** Half-precision bit pattern to float, precomputed for all 65536 patterns (exact, subnormals included). */
    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) {
            HALF_TO_FLOAT[h] = halfToFloat(h);
        }
    }

    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // zero or subnormal: mantissa * 2^-24, exact in float
            return sign == 1 ? -magnitude : magnitude;
        }
        int bits = exponent == 31
                ? 0x7f800000 | (mantissa << 13) // inf / NaN
                : ((exponent - 15 + 127) << 23) | (mantissa << 13);
        return Float.intBitsToFloat((sign << 31) | bits);
    }

    /**
     * Converts {@code count} little-endian elements starting at {@code bytes}' position to float32.
     */
    float[] toFloats(ByteBuffer bytes, int count) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        switch (this) {
            case FLOAT32 -> b.asFloatBuffer().get(out, 0, count);
            case FLOAT16 -> {
                short[] s = new short[count];
                b.asShortBuffer().get(s, 0, count);
                for (int i = 0; i < count; i++) out[i] = HALF_TO_FLOAT[s[i] & 0xffff];
            }
            case BFLOAT16 -> {
                short[] s = new short[count];
                b.asShortBuffer().get(s, 0, count);
                for (int i = 0; i < count; i++) out[i] = Float.intBitsToFloat((s[i] & 0xffff) << 16);
            }
            case FLOAT64 -> {
                double[] d = new double[count];
                b.asDoubleBuffer().get(d, 0, count);
                for (int i = 0; i < count; i++) out[i] = (float) d[i];
            }
            case INT64 -> {
                long[] l = new long[count];
                b.asLongBuffer().get(l, 0, count);
                for (int i = 0; i < count; i++) out[i] = l[i];
            }
            case INT32 -> {
                int[] v = new int[count];
                b.asIntBuffer().get(v, 0, count);
                for (int i = 0; i < count; i++) out[i] = v[i];
            }
            case INT16 -> {
                short[] s = new short[count];
                b.asShortBuffer().get(s, 0, count);
                for (int i = 0; i < count; i++) out[i] = s[i];
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) out[i] = b.get(i);
            }
            case UINT8, BOOL -> {
                for (int i = 0; i < count; i++) out[i] = b.get(i) & 0xff;
            }
        }
        return out;
    }
}
