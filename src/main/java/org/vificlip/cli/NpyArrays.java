package org.vificlip.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Float32 {@code .npy} input and output for the model commands. The header is checked here before
 * ND4J reads the file, because {@code Nd4j.createFromNpyFile} aborts the JVM on a malformed header
 * (a native assertion) and reads past the end of a truncated file without noticing.
 */
final class NpyArrays {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyArrays() {
    }

    /** Reads a little-endian float32, C-order array; anything else is a {@link BadInputException}. */
    static INDArray readFloat32(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, Files.exists(file) ? "not a regular file" : "file not found");
        }
        long[] shape = checkHeader(file);
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

    static void write(Path file, INDArray array) throws IOException {
        try {
            Nd4j.writeAsNumpy(array.dup('c'), file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    /** @return the shape, after checking magic, dtype {@code <f4}, C order and the data length */
    private static long[] checkHeader(Path file) throws IOException {
        byte[] start = new byte[12];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(start, 0, start.length);
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
            long size = Files.size(file);
            if (headerLength <= 0 || headerStart + (long) headerLength > size) {
                throw new BadInputException(file, "truncated .npy header");
            }
            byte[] headerBytes;
            try (InputStream again = Files.newInputStream(file)) {
                again.skipNBytes(headerStart);
                headerBytes = again.readNBytes(headerLength);
            }
            String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
            Matcher descr = DESCR.matcher(header);
            Matcher fortran = FORTRAN.matcher(header);
            Matcher shapeText = SHAPE.matcher(header);
            if (!descr.find() || !fortran.find() || !shapeText.find()) {
                throw new BadInputException(file, "unreadable .npy header: " + header.trim());
            }
            if (!descr.group(1).equals("<f4")) {
                throw new BadInputException(file, "dtype " + descr.group(1) + ", expected float32 ('<f4')");
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
            long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            long need = headerStart + (long) headerLength + 4 * elements;
            if (size < need) {
                throw new BadInputException(file, "truncated: " + size + " bytes, shape " + Arrays.toString(shape)
                        + " needs " + need);
            }
            return shape;
        }
    }
}
