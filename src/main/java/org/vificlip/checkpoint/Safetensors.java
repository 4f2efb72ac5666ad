package org.vificlip.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name: {dtype, shape, data_offsets: [begin, end]}}, offsets relative to the end of the header),
 * then the raw little-endian tensor data. Nothing in it is executable, so it needs no restrictions beyond
 * bounds checks.
 */
public final class Safetensors {

    /** A JSON header larger than this is not a real checkpoint's (OpenAI's ViT-L/14 needs ~40 kB). */
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** Whether the first bytes of a file of {@code fileSize} bytes look like a safetensors header. */
    static boolean looksLike(byte[] head, long fileSize) {
        if (head.length < 9) return false;
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= MAX_HEADER && 8 + n <= fileSize && head[8] == '{';
    }

    /** Reads the header; tensors are read lazily from the file. */
    static PickledWeights read(Path file) throws IOException {
        long fileSize = Files.size(file);
        JsonObject header;
        long dataStart;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, file);
            long n = len.flip().getLong();
            if (n < 2 || n > MAX_HEADER || 8 + n > fileSize) {
                throw new BadInputException(file, "not a safetensors file (header length " + n + " for a file of "
                        + fileSize + " bytes)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8, file);
            try {
                header = JsonParser.parseString(new String(json.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new BadInputException(file, "safetensors header is not a JSON object (" + e.getMessage() + ")");
            }
            dataStart = 8 + n;
        }
        long dataSize = fileSize - dataStart;
        Map<String, TensorSource> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataStart, dataSize));
        }
        return new PickledWeights(tensors, new LinkedHashMap<>());
    }

    /** Reads a sharded model: {@code model.safetensors.index.json}'s {@code weight_map} names the shard of each tensor. */
    static PickledWeights readSharded(Path indexJson) throws IOException {
        java.util.Set<String> shards = new java.util.LinkedHashSet<>();
        try {
            JsonObject map = JsonParser.parseString(Files.readString(indexJson)).getAsJsonObject().getAsJsonObject("weight_map");
            map.entrySet().forEach(e -> shards.add(e.getValue().getAsString()));
        } catch (RuntimeException e) {
            throw new BadInputException(indexJson, "not a safetensors index with a weight_map (" + e.getMessage() + ")");
        }
        Map<String, TensorSource> tensors = new LinkedHashMap<>();
        for (String shard : shards) {
            Path file = indexJson.resolveSibling(shard);
            if (!Files.isRegularFile(file)) throw new BadInputException(indexJson, "shard " + shard + " is missing");
            tensors.putAll(read(file).tensors());
        }
        return new PickledWeights(tensors, new LinkedHashMap<>());
    }

    private static TensorSource entry(Path file, String name, JsonElement json, long dataStart, long dataSize)
            throws BadInputException {
        try {
            JsonObject o = json.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            long[] shape = new long[o.getAsJsonArray("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
            long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
            ElementType type = ElementType.ofSafetensors(dtype);
            if (begin < 0 || end < begin || end > dataSize) {
                throw new BadInputException(file, "tensor '" + name + "' has data offsets [" + begin + ", " + end
                        + "] outside the " + dataSize + " data bytes (truncated file?)");
            }
            if (type != null && end - begin != TensorSource.numel(shape) * type.size) {
                throw new BadInputException(file, "tensor '" + name + "' of shape " + Arrays.toString(shape) + " " + dtype
                        + " needs " + TensorSource.numel(shape) * type.size + " bytes, has " + (end - begin));
            }
            return new FileTensor(file, dtype, type, shape, dataStart + begin);
        } catch (RuntimeException e) {
            throw new BadInputException(file, "malformed safetensors header entry '" + name + "' (" + e.getMessage() + ")");
        }
    }

    private record FileTensor(Path file, String code, ElementType type, long[] shape, long position)
            implements TensorSource {
        @Override
        public String dtype() {
            return type == null ? code : type.displayName;
        }

        @Override
        public String unsupportedReason() {
            return type == null ? "unsupported dtype " + code
                    + " (readable: F16, BF16, F32, F64, I64, I32, I16, I8, U8, BOOL)" : null;
        }

        @Override
        public float[] readFloats() throws IOException {
            long numel = TensorSource.numel(shape);
            if (numel * type.size > Integer.MAX_VALUE - 16) throw new IOException("tensor too large for one Java array");
            ByteBuffer b = ByteBuffer.allocate((int) (numel * type.size));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                readFully(ch, b, position, file);
            }
            b.flip();
            return type.toFloats(b, (int) numel);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position, Path file) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) throw new BadInputException(file, "file ends early (truncated)");
            at += n;
        }
    }

    /**
     * Writes float32 tensors under their names (OpenAI's for a {@link StateDict}): a file {@link Checkpoints#load}
     * reads back, and that Python reads with {@code safetensors.torch.load_file}.
     */
    public static void write(Map<String, INDArray> tensors, Path file) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (long d : e.getValue().shape()) shape.add(d);
            o.add("shape", shape);
            long bytes = e.getValue().length() * 4;
            com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            o.add("data_offsets", offsets);
            header.add(e.getKey(), o);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (INDArray a : tensors.values()) {
                float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        }
    }
}
