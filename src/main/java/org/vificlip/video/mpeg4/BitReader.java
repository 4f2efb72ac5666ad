package org.vificlip.video.mpeg4;

/**
 * Big-endian bit reader over a byte range. Peeking past the end yields zero bits, but consuming a
 * single bit past the end throws, so corrupt or truncated data can never make a decoder loop forever.
 */
final class BitReader {
    private final byte[] buf;
    private final int end;      // exclusive byte index
    private final int endBits;  // exclusive bit position
    private int pos;            // absolute bit position

    BitReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.end = end;
        this.endBits = end * 8;
        this.pos = offset * 8;
    }

    /** The next n bits (1..32) without consuming them. */
    int peek(int n) {
        int bp = pos >>> 3;
        long w;
        if (bp + 4 < end) {
            w = ((buf[bp] & 0xFFL) << 32) | ((buf[bp + 1] & 0xFFL) << 24) | ((buf[bp + 2] & 0xFF) << 16)
                    | ((buf[bp + 3] & 0xFF) << 8) | (buf[bp + 4] & 0xFF);
        } else {
            w = 0;
            for (int i = 0; i < 5; i++) {
                w = (w << 8) | (bp + i < end ? buf[bp + i] & 0xFF : 0);
            }
        }
        return (int) ((w << (24 + (pos & 7))) >>> (64 - n));
    }

    void skip(int n) throws Mpeg4Exception {
        pos += n;
        if (pos > endBits) {
            pos = endBits;
            throw new Mpeg4Exception("unexpected end of data");
        }
    }

    int read(int n) throws Mpeg4Exception {
        int v = peek(n);
        skip(n);
        return v;
    }

    boolean readBit() throws Mpeg4Exception {
        return read(1) != 0;
    }

    /** Reads a marker bit; a zero means the data is not what the header syntax says. */
    void marker(String where) throws Mpeg4Exception {
        if (read(1) != 1) {
            throw new Mpeg4Exception("missing marker bit in " + where);
        }
    }

    int position() {
        return pos;
    }

    void seek(int bitPos) {
        pos = bitPos;
    }

    int bitsLeft() {
        return endBits - pos;
    }

    int endBits() {
        return endBits;
    }
}
