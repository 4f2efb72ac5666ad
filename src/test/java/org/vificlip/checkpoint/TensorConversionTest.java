package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element types converted exactly; offsets and strides honoured. */
class TensorConversionTest {

    @TempDir
    Path tmp;

    @Test
    void everyFiniteHalfPatternConvertsExactly() {
        for (int h = 0; h < 1 << 16; h++) {
            int sign = h >>> 15;
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x3ff;
            float actual = ElementType.halfToFloat(h);
            if (exponent == 31) {
                assertTrue(mantissa == 0 ? Float.isInfinite(actual) : Float.isNaN(actual), Integer.toHexString(h));
                continue;
            }
            // IEEE 754 binary16: subnormal m·2^-24, normal (1 + m/1024)·2^(e-15)
            double magnitude = exponent == 0 ? Math.scalb((double) mantissa, -24)
                    : Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
            double expected = sign == 1 ? -magnitude : magnitude;
            assertEquals(expected, actual, 0.0, Integer.toHexString(h));
            assertEquals(sign == 1, (Float.floatToRawIntBits(actual) >>> 31) == 1, "sign of " + Integer.toHexString(h));
        }
        assertEquals(65504f, ElementType.halfToFloat(0x7bff));
        assertEquals(1f, ElementType.halfToFloat(0x3c00));
    }

    @Test
    void bulkConversions() {
        assertEquals(-3f, ElementType.BFLOAT16.toFloats(le(b -> b.putShort((short) 0xc040)), 1)[0]);
        assertEquals(1f, ElementType.BFLOAT16.toFloats(le(b -> b.putShort((short) 0x3f80)), 1)[0]);
        assertEquals(0.1f, ElementType.FLOAT64.toFloats(le(b -> b.putDouble(0.1)), 1)[0]);
        assertEquals(-7f, ElementType.INT64.toFloats(le(b -> b.putLong(-7)), 1)[0]);
        assertEquals(-7f, ElementType.INT32.toFloats(le(b -> b.putInt(-7)), 1)[0]);
        assertEquals(200f, ElementType.UINT8.toFloats(le(b -> b.put((byte) 200)), 1)[0]);
        assertEquals(-56f, ElementType.INT8.toFloats(le(b -> b.put((byte) 200)), 1)[0]);
        assertEquals(1.5f, ElementType.FLOAT16.toFloats(le(b -> b.putShort((short) 0x3e00)), 1)[0]);
    }

    private static ByteBuffer le(java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.flip();
    }

    @Test
    void stridedViewWithOffsetIsGathered() throws IOException {
        float[] storage = new float[30];
        for (int i = 0; i < storage.length; i++) storage[i] = i;
        ByteBuffer bytes = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(storage);
        TorchTensor.StorageBytes reader = new TorchTensor.StorageBytes() {
            @Override
            public ByteBuffer read(long byteOffset, int length) {
                return ByteBuffer.wrap(bytes.array(), (int) byteOffset, length).slice();
            }

            @Override
            public String name() {
                return "data/0";
            }
        };
        var ref = new PickleValues.StorageRef("FloatStorage", ElementType.FLOAT32, "0", 30);
        // a [3,4] view at offset 2 with strides (1, 3): element (i, j) is storage[2 + i + 3j]
        TorchTensor t = new TorchTensor(ref, reader, 2, new long[]{3, 4}, new long[]{1, 3});
        float[] v = t.readFloats();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) assertEquals(2 + i + 3 * j, v[i * 4 + j], "(" + i + "," + j + ")");
        }
        // a broadcast (stride 0) row and a contiguous slice
        assertEquals(java.util.List.of(5f, 5f, 5f), boxed(new TorchTensor(ref, reader, 5, new long[]{3}, new long[]{0}).readFloats()));
        assertEquals(java.util.List.of(7f, 8f), boxed(new TorchTensor(ref, reader, 7, new long[]{2}, new long[]{1}).readFloats()));
    }

    private static java.util.List<Float> boxed(float[] v) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (float f : v) out.add(f);
        return out;
    }

    /** Mixed dtypes and a transposed view in one torch.save file, read end to end. */
    @Test
    void mixedDtypesAndViewsInAStateDict() throws IOException {
        Map<String, Object> entries = CheckpointErrorsTest.randomStateDict(CheckpointErrorsTest.SMALL, 20);
        // visual.proj [64,16] stored as the transpose of a [16,64] fp16 storage: (i, j) = storage[j*64 + i]
        short[] half = new short[16 * 64];
        for (int k = 0; k < half.length; k++) half[k] = (short) (0x3c00 + (k % 512)); // 1 + (k % 512)/1024
        entries.put("visual.proj", new TorchZipWriter.Tensor("HalfStorage", TorchZipWriter.Tensor.float16(new long[]{half.length}, half).storage(),
                half.length, 0, new long[]{64, 16}, new long[]{1, 64}));
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(4.605170185988091);
        entries.put("logit_scale", new TorchZipWriter.Tensor("DoubleStorage", d.array(), 1, 0, new long[]{}, new long[]{}));
        ByteBuffer bf = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 64; i++) bf.putShort((short) (0x3f80 + i)); // bf16 1 + i/128
        entries.put("ln_final.bias", new TorchZipWriter.Tensor("BFloat16Storage", bf.array(), 64, 0, new long[]{64}, new long[]{1}));
        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(224);
        entries.put("input_resolution", new TorchZipWriter.Tensor("LongStorage", l.array(), 1, 0, new long[]{}, new long[]{}));
        Path file = tmp.resolve("mixed.pt");
        TorchZipWriter.writeStateDict(file, entries);

        StateDict sd = Checkpoints.load(file);
        INDArray proj = sd.get("visual.proj");
        for (int i = 0; i < 64; i += 7) {
            for (int j = 0; j < 16; j += 3) {
                int k = j * 64 + i;
                assertEquals(1 + (k % 512) / 1024.0, proj.getDouble(i, j), 0.0, "proj(" + i + "," + j + ")");
            }
        }
        assertEquals(0, sd.get("logit_scale").rank());
        assertEquals((float) 4.605170185988091, sd.get("logit_scale").getFloat(0), 0f);
        assertEquals(1 + 5 / 128.0, sd.get("ln_final.bias").getDouble(5), 0.0);
        assertFalse(sd.tensors().containsKey("input_resolution"), "OpenAI's int64 metadata is dropped");
    }
}
