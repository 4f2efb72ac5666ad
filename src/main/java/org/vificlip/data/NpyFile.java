package org.vificlip.data;

import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Minimal NumPy {@code .npy} (format 1.0) reading and writing for uint8 and little-endian float32 arrays,
 * C order. Enough for frames ({@code [T,H,W,3]} uint8) and tensors ({@code [T,3,S,S]} float32) without
 * starting the native ND4J backend; {@code Nd4j.createFromNpyFile} reads the files we write.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A read array: its shape and, depending on {@code dtype}, {@code bytes} (|u1) or {@code floats} (<f4). */
    public record Array(String dtype, long[] shape, byte[] bytes, float[] floats) {
        public long size() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private NpyFile() {
    }

    public static void writeUint8(Path file, byte[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header("|u1", shape));
            out.write(data);
        }
    }

    public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header("<f4", shape));
            out.write(body.array());
        }
    }

    public static Array read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) {
            throw new BadInputException(file, "not a .npy file");
        }
        int major = all[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
            start = 10;
        } else {
            headerLen = ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        }
        String header = new String(all, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new BadInputException(file, "unreadable .npy header: " + header.trim());
        }
        if (o.group(1).equals("True")) {
            throw new BadInputException(file, "Fortran-order .npy arrays are not supported");
        }
        long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int dataStart = start + headerLen;
        String dtype = d.group(1);
        switch (dtype) {
            case "|u1", "<u1", "u1" -> {
                checkLength(file, all.length - dataStart, size);
                return new Array("|u1", shape, Arrays.copyOfRange(all, dataStart, dataStart + (int) size), null);
            }
            case "<f4" -> {
                checkLength(file, all.length - dataStart, size * 4);
                float[] f = new float[(int) size];
                ByteBuffer.wrap(all, dataStart, (int) size * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return new Array("<f4", shape, null, f);
            }
            default -> throw new BadInputException(file, ".npy dtype " + dtype + " not supported (uint8, float32)");
        }
    }

    private static void checkLength(Path file, long have, long need) throws BadInputException {
        if (have < need) {
            throw new BadInputException(file, ".npy data truncated: " + have + " bytes, need " + need);
        }
    }

    private static void checkSize(int length, long[] shape) {
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (size != length) {
            throw new IllegalArgumentException("data length " + length + " != shape " + Arrays.toString(shape));
        }
    }

    private static byte[] header(String dtype, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long dim : shape) {
            dims.append(dim).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (dims.length() > 0 ? dims.substring(0, dims.length() - 2) : "") + ")";
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // magic(6) + version(2) + length(2) + dict + padding + '\n' is a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        buf.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return buf.array();
    }
}
