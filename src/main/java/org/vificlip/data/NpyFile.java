package org.vificlip.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.InputStream;
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
 * NumPy {@code .npy} reading and writing for uint8 and little-endian float32 arrays, C order: frames
 * ({@code [T,H,W,3]} uint8), tensors ({@code [T,3,S,S]} float32) and the model commands' inputs and outputs.
 *
 * <p>Every read checks the header first (magic, version, dtype, C order, shape) and that the file holds all
 * the data the shape needs. {@link #readFloat32} then hands the file to ND4J, which must not see an unchecked
 * file: {@code Nd4j.createFromNpyFile} aborts the JVM on a malformed header (a native assertion) and reads
 * past the end of a truncated file without noticing. {@link #read} and the {@code write*} methods that take
 * Java arrays do not start the native ND4J backend; {@code Nd4j.createFromNpyFile} reads the files they write.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final String FLOAT32 = "<f4";
    private static final String UINT8 = "|u1";

    /** A read array: its shape and, depending on {@code dtype}, {@code bytes} (|u1) or {@code floats} (<f4). */
    public record Array(String dtype, long[] shape, byte[] bytes, float[] floats) {
        public long size() {
            return elements(shape);
        }
    }

    /** A checked header: the dtype as written, the shape, and where the data starts. */
    private record Header(String dtype, long[] shape, long dataStart) {
    }

    private NpyFile() {
    }

    public static void writeUint8(Path file, byte[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header(UINT8, shape));
            out.write(data);
        }
    }

    public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header(FLOAT32, shape));
            out.write(body.array());
        }
    }

    /** Writes an ND4J array (any order) in C order; a failure is a {@link BadInputException} naming the file. */
    public static void write(Path file, INDArray array) throws IOException {
        try {
            Nd4j.writeAsNumpy(array.dup('c'), file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    /** Reads a uint8 or float32 array into Java arrays; anything else is a {@link BadInputException}. */
    public static Array read(Path file) throws IOException {
        Header header = readHeader(file);
        long size = elements(header.shape());
        switch (header.dtype()) {
            case "|u1", "<u1", "u1" -> {
                checkLength(file, header, 1);
                byte[] bytes = new byte[Math.toIntExact(size)];
                readData(file, header, bytes);
                return new Array(UINT8, header.shape(), bytes, null);
            }
            case FLOAT32 -> {
                checkLength(file, header, 4);
                byte[] raw = new byte[Math.toIntExact(size * 4)];
                readData(file, header, raw);
                float[] floats = new float[(int) size];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
                return new Array(FLOAT32, header.shape(), null, floats);
            }
            default -> throw new BadInputException(file, ".npy dtype " + header.dtype()
                    + " not supported (uint8, float32)");
        }
    }

    /** Reads a little-endian float32, C-order array into ND4J; anything else is a {@link BadInputException}. */
    public static INDArray readFloat32(Path file) throws IOException {
        Header header = readHeader(file);
        if (!header.dtype().equals(FLOAT32)) {
            throw new BadInputException(file, "dtype " + header.dtype() + ", expected float32 ('<f4')");
        }
        checkLength(file, header, 4);
        long[] shape = header.shape();
        try {
            INDArray array = Nd4j.createFromNpyFile(file.toFile());
            if (!Arrays.equals(array.shape(), shape)) {
                throw new BadInputException(file, "read shape " + Arrays.toString(array.shape())
                        + " differs from the header's " + Arrays.toString(shape));
            }
            return array;
        } catch (RuntimeException e) {
            throw new BadInputException(file, "unreadable .npy file: " + e.getMessage(), e);
        }
    }

    /** Checks the file, magic, version, header length, C order and shape; the dtype is left to the caller. */
    private static Header readHeader(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, Files.exists(file) ? "not a regular file" : "file not found");
        }
        byte[] start = new byte[12];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(start, 0, start.length);
        }
        if (read < 10 || !Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) {
            throw new BadInputException(file, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = start[6];
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = (start[8] & 0xFF) | (start[9] & 0xFF) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = ByteBuffer.wrap(start, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            headerStart = 12;
        } else {
            throw new BadInputException(file, "unsupported .npy format version " + major);
        }
        if (headerLength <= 0 || headerStart + (long) headerLength > Files.size(file)) {
            throw new BadInputException(file, "truncated .npy header");
        }
        byte[] headerBytes;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(headerStart);
            headerBytes = in.readNBytes(headerLength);
        }
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new BadInputException(file, "unreadable .npy header: " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new BadInputException(file, "Fortran-order array, expected C order");
        }
        long[] shape;
        try {
            shape = Arrays.stream(shapeText.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new BadInputException(file, "unreadable .npy shape (" + shapeText.group(1) + ")");
        }
        return new Header(descr.group(1), shape, headerStart + (long) headerLength);
    }

    /** The file must hold every element the header's shape promises. */
    private static void checkLength(Path file, Header header, int bytesPerElement) throws IOException {
        long size = Files.size(file);
        long need = header.dataStart() + bytesPerElement * elements(header.shape());
        if (size < need) {
            throw new BadInputException(file, "truncated: " + size + " bytes, shape "
                    + Arrays.toString(header.shape()) + " needs " + need);
        }
    }

    private static void readData(Path file, Header header, byte[] into) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(header.dataStart());
            in.readNBytes(into, 0, into.length);
        }
    }

    private static long elements(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    private static void checkSize(int length, long[] shape) {
        long size = elements(shape);
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
