package org.vificlip.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip as PyTorch's {@code PyTorchStreamWriter} does: every entry STORED (uncompressed), its data
 * starting at a multiple of 64 bytes in the file, reached by padding the local header with an extra field
 * {@code "FB" <length> "ZZZ..."}, so a reader can map tensors straight from the file. Entries are streamed:
 * nothing but the current chunk is held in memory. Entry times are fixed (PyTorch writes none) so the same
 * content gives the same bytes.
 */
final class AlignedZipWriter implements AutoCloseable {

    /** PyTorch's {@code kFieldAlignment}. */
    static final int ALIGNMENT = 64;

    private static final int LOCAL_HEADER = 30;
    private static final int EXTRA_HEADER = 4; // id + length of one extra field
    private static final int ZIP64_LOCAL_EXTRA = 20; // what ZipOutputStream adds for an entry of 4 GiB or more
    private static final long ZIP64_THRESHOLD = 0xFFFFFFFFL;
    private static final int CHUNK = 1 << 20;
    /** Not 1980-01-01 00:00, which ZipEntry takes for "before 1980" and adds a timestamp field for. */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private final CountingStream counter;
    private final ZipOutputStream zip;
    private final byte[] chunk = new byte[CHUNK];

    AlignedZipWriter(OutputStream out) {
        this.counter = new CountingStream(out);
        this.zip = new ZipOutputStream(counter, StandardCharsets.UTF_8);
    }

    void add(String name, byte[] data) throws IOException {
        add(name, ByteBuffer.wrap(data));
    }

    /** Writes the buffer's remaining bytes as one entry (a direct buffer, e.g. an ND4J array, is not copied whole). */
    void add(String name, ByteBuffer data) throws IOException {
        ByteBuffer bytes = data.slice();
        long size = bytes.remaining();
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());

        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc.getValue());
        e.setTimeLocal(FIXED_TIME);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long headerEnd = counter.count + LOCAL_HEADER + nameBytes.length + (size >= ZIP64_THRESHOLD ? ZIP64_LOCAL_EXTRA : 0)
                + EXTRA_HEADER;
        int padding = (int) ((ALIGNMENT - headerEnd % ALIGNMENT) % ALIGNMENT);
        e.setExtra(paddingField(padding));
        zip.putNextEntry(e);
        if (counter.count != headerEnd + padding) { // ZipOutputStream wrote a header of another size
            throw new IllegalStateException("zip entry " + name + " data at " + counter.count + ", expected "
                    + (headerEnd + padding));
        }
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            bytes.get(chunk, 0, n);
            zip.write(chunk, 0, n);
        }
        zip.closeEntry();
    }

    private static byte[] paddingField(int padding) {
        byte[] field = new byte[EXTRA_HEADER + padding];
        field[0] = 'F';
        field[1] = 'B';
        field[2] = (byte) padding;
        field[3] = (byte) (padding >>> 8);
        Arrays.fill(field, EXTRA_HEADER, field.length, (byte) 'Z');
        return field;
    }

    /** Writes the central directory; the underlying stream stays open (the caller flushes and syncs it). */
    void finish() throws IOException {
        zip.finish();
        counter.flush();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** Counts the bytes written, to know where the next entry's data will start. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
