package org.vificlip.video.avi;

import org.vificlip.BadInputException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The video stream of an AVI file: its headers ({@code hdrl/avih}, {@code strl/strh/strf}) and where each of
 * its frame chunks lies. Only the first video stream is read; audio and other streams are skipped.
 *
 * <p>Where the chunks are comes from, in order of preference (as FFmpeg's {@code avidec}): the OpenDML
 * {@code indx} super index and its {@code ix##} standard indexes (files over 1 GB, {@code RIFF AVIX}
 * extensions), the {@code idx1} index (offsets relative to {@code movi} or absolute, detected), or, without
 * any usable index, a linear walk of every {@code movi} list (descending into {@code LIST rec }).
 *
 * <p>The file is read with positional reads, never loaded whole. Every size field is checked against its
 * parent and the file length, and every walk advances by at least one chunk header, so a truncated or
 * corrupt file gives a {@link BadInputException} that names the file and what is wrong, never a hang.
 */
public final class AviFile implements Closeable {

    /** Where the chunk list came from. */
    public enum IndexSource { OPENDML, IDX1, SCAN }

    /**
     * One frame chunk of the video stream ({@code ##dc} / {@code ##db}).
     *
     * @param offset   file offset of the chunk's first data byte (after its 8-byte header)
     * @param size     data bytes; 0 for the empty placeholder chunks some encoders write
     * @param keyFrame the index's key-frame flag ({@code AVIIF_KEYFRAME}); false when there is no index
     */
    public record Chunk(long offset, int size, boolean keyFrame) {
    }

    private static final int AVIIF_KEYFRAME = 0x10;
    private static final int AVI_INDEX_OF_INDEXES = 0;
    private static final int AVI_INDEX_OF_CHUNKS = 1;
    /** No compressed frame comes near this; a larger size is a corrupt field. */
    private static final long MAX_FRAME_BYTES = 256L << 20;
    /** Bit 31 of a standard index entry's size: set for frames that are not key frames. */
    private static final long ODML_DELTA_FRAME = 0x8000_0000L;

    private final Path file;
    private final FileChannel channel;
    private final long fileLength;

    // avih
    private long microSecPerFrame;
    private long avihTotalFrames;
    private long odmlTotalFrames = -1;
    // the video stream
    private int streamNumber = -1;
    private String handler = "";
    private String fourCC = "";
    private long scale;
    private long rate;
    private long length;
    private int width;
    private int height;
    private byte[] extradata = new byte[0];
    private long indxOffset = -1;
    private int indxSize;

    private final List<long[]> moviLists = new ArrayList<>(); // {offset of 'movi' fourcc, end}
    private long idx1Offset = -1;
    private int idx1Size;

    private List<Chunk> chunks;
    private IndexSource indexSource;

    private AviFile(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.fileLength = channel.size();
    }

    /** Opens and parses {@code file}; the caller closes the result. */
    public static AviFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        AviFile avi = new AviFile(file, channel);
        try {
            avi.parse();
            return avi;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- what the headers say

    public Path file() {
        return file;
    }

    public long fileLength() {
        return fileLength;
    }

    /** The stream's compression FourCC as written in its BITMAPINFOHEADER ({@code biCompression}), e.g. "XVID". */
    public String fourCC() {
        return fourCC;
    }

    /** The stream header's handler FourCC ({@code strh.fccHandler}), often but not always the same. */
    public String handler() {
        return handler;
    }

    /** Index of the video stream among the file's streams: its chunks are named {@code NNdc}. */
    public int streamNumber() {
        return streamNumber;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Frames per second: {@code dwRate / dwScale} of the stream header, else from {@code avih}. */
    public double fps() {
        if (rate > 0 && scale > 0) {
            return (double) rate / scale;
        }
        return microSecPerFrame > 0 ? 1e6 / microSecPerFrame : 0;
    }

    public long rate() {
        return rate;
    }

    public long scale() {
        return scale;
    }

    /** The stream header's length ({@code strh.dwLength}): chunks, including empty ones. */
    public long streamLength() {
        return length;
    }

    /** {@code avih.dwTotalFrames} (first RIFF only in OpenDML files). */
    public long avihTotalFrames() {
        return avihTotalFrames;
    }

    /** {@code odml/dmlh.dwTotalFrames}, or -1 when the file has no OpenDML header. */
    public long odmlTotalFrames() {
        return odmlTotalFrames;
    }

    /** Codec configuration after the 40-byte BITMAPINFOHEADER (for MPEG-4: VOS/VOL headers); may be empty. */
    public byte[] extradata() {
        return extradata.clone();
    }

    public IndexSource indexSource() {
        return indexSource;
    }

    /** The video stream's chunks in stream order, empty ones included. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** The data of one chunk, checked against the chunk header it is supposed to follow. */
    public byte[] read(Chunk chunk) throws IOException {
        if (chunk.size() == 0) {
            return new byte[0];
        }
        byte[] data = readAt(chunk.offset() - 8, chunk.size() + 8, "frame chunk");
        if (!isVideoChunkId(data, 0)) {
            throw corrupt("the index points at offset " + (chunk.offset() - 8) + " but the chunk there is '"
                    + fourCCAt(data, 0) + "', not a frame of video stream " + streamNumber);
        }
        byte[] payload = new byte[chunk.size()];
        System.arraycopy(data, 8, payload, 0, chunk.size());
        return payload;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---------------------------------------------------------------- parsing

    private void parse() throws IOException {
        if (fileLength < 12) {
            throw new BadInputException(file, "too short for an AVI file (" + fileLength + " bytes)");
        }
        byte[] riff = readAt(0, 12, "RIFF header");
        if (!fourCCAt(riff, 0).equals("RIFF")) {
            throw new BadInputException(file, "not a RIFF file (starts with '" + printable(riff, 0) + "')");
        }
        String form = fourCCAt(riff, 8);
        if (!form.equals("AVI ")) {
            throw new BadInputException(file, "a RIFF file of form '" + form.trim() + "', not an AVI ('AVI ')");
        }
        long riffEnd = checkedEnd(0, u32(riff, 4), fileLength, "RIFF 'AVI '");
        walkAviRiff(12, riffEnd);
        walkExtensionRiffs(align(riffEnd));

        if (streamNumber < 0) {
            throw new BadInputException(file, "the AVI file has no video stream (no 'strl' with a 'vids' header)");
        }
        if (moviLists.isEmpty()) {
            throw new BadInputException(file, "the AVI file has no 'movi' list (no frame data)");
        }
        buildChunkList();
    }

    private void walkAviRiff(long pos, long end) throws IOException {
        while (pos + 8 <= end) {
            byte[] h = readAt(pos, Math.min(12, end - pos), "chunk header");
            String id = fourCCAt(h, 0);
            long size = u32(h, 4);
            long chunkEnd = checkedEnd(pos, size, end, "'" + id + "'");
            if (id.equals("LIST") && size >= 4) {
                String type = fourCCAt(h, 8);
                if (type.equals("hdrl")) {
                    walkHdrl(pos + 12, chunkEnd);
                } else if (type.equals("movi")) {
                    moviLists.add(new long[]{pos + 8, chunkEnd});
                }
            } else if (id.equals("idx1")) {
                idx1Offset = pos + 8;
                idx1Size = (int) size;
            }
            pos = align(chunkEnd);
        }
    }

    /** OpenDML files continue in {@code RIFF AVIX} lists after the first RIFF, each with its own movi. */
    private void walkExtensionRiffs(long pos) throws IOException {
        while (pos + 12 <= fileLength) {
            byte[] h = readAt(pos, 12, "RIFF header");
            if (!fourCCAt(h, 0).equals("RIFF")) {
                return; // trailing bytes after the last RIFF are ignored, as FFmpeg does
            }
            String form = fourCCAt(h, 8);
            long end = checkedEnd(pos, u32(h, 4), fileLength, "RIFF '" + form + "'");
            if (form.equals("AVIX")) {
                long p = pos + 12;
                while (p + 8 <= end) {
                    byte[] c = readAt(p, Math.min(12, end - p), "chunk header");
                    long size = u32(c, 4);
                    long cEnd = checkedEnd(p, size, end, "'" + fourCCAt(c, 0) + "'");
                    if (fourCCAt(c, 0).equals("LIST") && size >= 4 && fourCCAt(c, 8).equals("movi")) {
                        moviLists.add(new long[]{p + 8, cEnd});
                    }
                    p = align(cEnd);
                }
            }
            pos = align(end);
        }
    }

    private void walkHdrl(long pos, long end) throws IOException {
        int streamIndex = 0;
        while (pos + 8 <= end) {
            byte[] h = readAt(pos, Math.min(12, end - pos), "chunk header");
            String id = fourCCAt(h, 0);
            long size = u32(h, 4);
            long chunkEnd = checkedEnd(pos, size, end, "'" + id + "' in 'hdrl'");
            if (id.equals("avih")) {
                byte[] avih = readAt(pos + 8, requireSize(size, 40, "avih"), "avih");
                microSecPerFrame = u32(avih, 0);
                avihTotalFrames = u32(avih, 16);
            } else if (id.equals("LIST") && size >= 4) {
                String type = fourCCAt(h, 8);
                if (type.equals("strl")) {
                    walkStrl(pos + 12, chunkEnd, streamIndex++);
                } else if (type.equals("odml")) {
                    walkOdml(pos + 12, chunkEnd);
                }
            }
            pos = align(chunkEnd);
        }
    }

    private void walkOdml(long pos, long end) throws IOException {
        while (pos + 8 <= end) {
            byte[] h = readAt(pos, 8, "chunk header");
            long size = u32(h, 4);
            long chunkEnd = checkedEnd(pos, size, end, "'" + fourCCAt(h, 0) + "' in 'odml'");
            if (fourCCAt(h, 0).equals("dmlh") && size >= 4) {
                odmlTotalFrames = u32(readAt(pos + 8, 4, "dmlh"), 0);
            }
            pos = align(chunkEnd);
        }
    }

    private void walkStrl(long pos, long end, int streamIndex) throws IOException {
        boolean video = false;
        while (pos + 8 <= end) {
            byte[] h = readAt(pos, 8, "chunk header");
            String id = fourCCAt(h, 0);
            long size = u32(h, 4);
            long chunkEnd = checkedEnd(pos, size, end, "'" + id + "' in 'strl'");
            if (id.equals("strh")) {
                byte[] strh = readAt(pos + 8, requireSize(size, 36, "strh"), "strh");
                video = fourCCAt(strh, 0).equals("vids") && streamNumber < 0;
                if (video) {
                    streamNumber = streamIndex;
                    handler = fourCCAt(strh, 4);
                    scale = u32(strh, 20);
                    rate = u32(strh, 24);
                    length = u32(strh, 32);
                }
            } else if (id.equals("strf") && video) {
                byte[] strf = readAt(pos + 8, requireSize(size, 40, "strf (BITMAPINFOHEADER)"), "strf");
                width = (int) u32(strf, 4);
                height = Math.abs((int) u32(strf, 8)); // negative: top-down rows
                fourCC = fourCCAt(strf, 16);
                extradata = new byte[(int) size - 40];
                System.arraycopy(strf, 40, extradata, 0, extradata.length);
                if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
                    throw corrupt("the video stream's BITMAPINFOHEADER gives an impossible size "
                            + width + "x" + height);
                }
            } else if (id.equals("indx") && video) {
                indxOffset = pos + 8;
                indxSize = (int) size;
            }
            pos = align(chunkEnd);
        }
    }

    private void buildChunkList() throws IOException {
        List<Chunk> list = null;
        if (indxOffset >= 0) {
            list = readOpenDmlIndex();
            indexSource = IndexSource.OPENDML;
        }
        if (list == null && idx1Offset >= 0) {
            list = readIdx1();
            if (list != null) {
                indexSource = IndexSource.IDX1;
                // idx1 covers the first RIFF only: frames in AVIX extensions are found by walking them
                for (int i = 1; i < moviLists.size(); i++) {
                    scanMovi(moviLists.get(i), list);
                }
            }
        }
        if (list == null) {
            list = new ArrayList<>();
            for (long[] movi : moviLists) {
                scanMovi(movi, list);
            }
            indexSource = IndexSource.SCAN;
        }
        if (list.isEmpty()) {
            throw new BadInputException(file, "the AVI file's video stream has no frames");
        }
        chunks = Collections.unmodifiableList(list);
    }

    /** The OpenDML super index and the standard indexes it points to, or null when there is none in use. */
    private List<Chunk> readOpenDmlIndex() throws IOException {
        byte[] indx = readAt(indxOffset, requireSize(indxSize, 24, "indx"), "indx");
        int longsPerEntry = u16(indx, 0);
        int indexType = indx[3] & 0xFF;
        long entries = u32(indx, 4);
        int entrySize = longsPerEntry * 4;
        if (entries == 0) {
            return null; // reserved but never filled in (files under 1 GB written by some muxers)
        }
        if (entrySize <= 0 || 24 + entries * entrySize > indxSize) {
            throw corrupt("the OpenDML super index 'indx' declares " + entries + " entries of " + entrySize
                    + " bytes but holds only " + indxSize + " bytes");
        }
        List<Chunk> list = new ArrayList<>();
        if (indexType == AVI_INDEX_OF_CHUNKS) { // a standard index stored directly in strl
            readStandardIndex(indx, "indx", list);
            return list;
        }
        if (indexType != AVI_INDEX_OF_INDEXES) {
            throw corrupt("the OpenDML index 'indx' has unknown type " + indexType);
        }
        for (int i = 0; i < entries; i++) {
            int e = 24 + i * entrySize;
            long offset = u64(indx, e);
            long size = u32(indx, e + 8);
            if (offset < 0 || offset + 8 > fileLength) {
                throw corrupt("OpenDML super index entry " + i + " points at offset " + offset
                        + ", beyond the end of the file (" + fileLength + " bytes): truncated?");
            }
            byte[] h = readAt(offset, 8, "ix## header");
            long ixSize = u32(h, 4);
            checkedEnd(offset, ixSize, fileLength, "OpenDML standard index '" + fourCCAt(h, 0) + "'");
            if (size != 0 && size < ixSize + 8) {
                throw corrupt("OpenDML super index entry " + i + " says its index is " + size
                        + " bytes but the chunk there is '" + fourCCAt(h, 0) + "' of " + (ixSize + 8));
            }
            byte[] ix = readAt(offset + 8, requireSize(ixSize, 24, "ix##"), "ix##");
            readStandardIndex(ix, "'" + fourCCAt(h, 0) + "' at offset " + offset, list);
        }
        return list;
    }

    private void readStandardIndex(byte[] ix, String what, List<Chunk> out) throws IOException {
        int entrySize = u16(ix, 0) * 4;
        long entries = u32(ix, 4);
        long base = u64(ix, 12);
        if (entrySize < 8 || 24 + entries * entrySize > ix.length) {
            throw corrupt("the OpenDML standard index " + what + " declares " + entries + " entries of "
                    + entrySize + " bytes but holds only " + ix.length + " bytes");
        }
        if (!isVideoChunkId(ix, 8)) {
            return; // an index of another stream
        }
        for (int i = 0; i < entries; i++) {
            int e = 24 + i * entrySize;
            long rawSize = u32(ix, e + 4);
            long size = rawSize & ~ODML_DELTA_FRAME;
            long offset = base + u32(ix, e);
            checkedEnd(offset - 8, size, fileLength, "frame chunk " + out.size() + " (from the index " + what + ")");
            out.add(frame(offset, size, (rawSize & ODML_DELTA_FRAME) == 0, out.size()));
        }
    }

    /**
     * The {@code idx1} entries of the video stream, or null when they cannot be located. Offsets are relative
     * to the {@code movi} fourcc in most files and absolute in some: FFmpeg decides from the first entry,
     * and so do we, by checking which reading lands on a chunk header with the entry's id.
     */
    private List<Chunk> readIdx1() throws IOException {
        byte[] idx = readAt(idx1Offset, idx1Size, "idx1");
        int n = idx1Size / 16;
        List<long[]> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (isVideoChunkId(idx, i * 16)) {
                entries.add(new long[]{u32(idx, i * 16 + 4), u32(idx, i * 16 + 8), u32(idx, i * 16 + 12)});
            }
        }
        if (entries.isEmpty()) {
            return null; // no entry for our stream: walk the movi list instead
        }
        long moviFourCC = moviLists.get(0)[0];
        long base = -1;
        for (long candidate : new long[]{moviFourCC, 0}) {
            long header = candidate + entries.get(0)[1];
            if (header + 8 <= fileLength && isVideoChunkId(readAt(header, 8, "chunk header"), 0)) {
                base = candidate;
                break;
            }
        }
        if (base < 0) {
            return null; // the index points nowhere sensible: walk the movi list instead
        }
        List<Chunk> list = new ArrayList<>(entries.size());
        for (long[] entry : entries) {
            long header = base + entry[1];
            checkedEnd(header, entry[2], fileLength, "frame chunk " + list.size() + " (from 'idx1')");
            list.add(frame(header + 8, entry[2], (entry[0] & AVIIF_KEYFRAME) != 0, list.size()));
        }
        return list;
    }

    /** Walks one movi list: our stream's frame chunks, descending into {@code LIST rec }, skipping the rest. */
    private void scanMovi(long[] movi, List<Chunk> out) throws IOException {
        long pos = movi[0] + 4;
        long end = movi[1];
        while (pos + 8 <= end) {
            byte[] h = readAt(pos, Math.min(12, end - pos), "chunk header");
            String id = fourCCAt(h, 0);
            long size = u32(h, 4);
            long chunkEnd = checkedEnd(pos, size, end, "'" + id + "' in 'movi'");
            if (id.equals("LIST") && size >= 4 && fourCCAt(h, 8).equals("rec ")) {
                pos += 12; // the list's chunks follow: read them in place
                continue;
            }
            if (isVideoChunkId(h, 0)) {
                out.add(frame(pos + 8, size, false, out.size()));
            }
            pos = align(chunkEnd);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Chunk frame(long offset, long size, boolean key, int number) throws BadInputException {
        if (size > MAX_FRAME_BYTES) {
            throw corrupt("frame chunk " + number + " at offset " + (offset - 8) + " declares an implausible "
                    + size + " bytes");
        }
        return new Chunk(offset, (int) size, key);
    }

    /** Whether the four bytes at {@code at} name a frame chunk of our stream: "NNdc" or "NNdb". */
    private boolean isVideoChunkId(byte[] b, int at) {
        if (at + 4 > b.length) {
            return false;
        }
        int tens = b[at] - '0';
        int ones = b[at + 1] - '0';
        if (tens < 0 || tens > 9 || ones < 0 || ones > 9 || tens * 10 + ones != streamNumber) {
            return false;
        }
        return b[at + 2] == 'd' && (b[at + 3] == 'c' || b[at + 3] == 'b');
    }

    /** End of a chunk whose header is at {@code pos}, checked to lie within {@code limit}. */
    private long checkedEnd(long pos, long size, long limit, String what) throws BadInputException {
        long end = pos + 8 + size;
        if (end > limit) {
            if (limit == fileLength) {
                throw new BadInputException(file, "truncated: " + what + " at offset " + pos + " declares "
                        + size + " bytes but only " + Math.max(0, fileLength - pos - 8)
                        + " are left in the file (file is " + fileLength + " bytes)");
            }
            throw corrupt(what + " at offset " + pos + " declares " + size
                    + " bytes, more than its enclosing list holds (" + Math.max(0, limit - pos - 8) + ")");
        }
        return end;
    }

    private int requireSize(long size, int minimum, String what) throws BadInputException {
        if (size < minimum) {
            throw corrupt("'" + what + "' is " + size + " bytes, less than the " + minimum + " it must hold");
        }
        if (size > 64 << 20) {
            throw corrupt("'" + what + "' declares an implausible " + size + " bytes");
        }
        return (int) size;
    }

    private BadInputException corrupt(String problem) {
        return new BadInputException(file, "corrupt AVI: " + problem);
    }

    private byte[] readAt(long pos, long count, String what) throws IOException {
        if (pos < 0 || count < 0 || pos + count > fileLength) {
            throw new BadInputException(file, "truncated: the " + what + " at offset " + pos + " needs " + count
                    + " bytes but the file is " + fileLength + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) count);
        long at = pos;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new BadInputException(file, "truncated: the file ended while reading the " + what
                        + " at offset " + pos);
            }
            at += n;
        }
        return buffer.array();
    }

    private static long align(long pos) {
        return pos + (pos & 1);
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    static String fourCCAt(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < at + 4 && i < b.length; i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
