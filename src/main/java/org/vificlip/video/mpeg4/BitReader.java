package org.vificlip.video.mpeg4;

/**
 * Big-endian bit reader over a byte range. Peeking past the end yields zero bits, but consuming a
 * single bit past the end throws, so corrupt or truncated data can never make a decoder loop forever.
 */
final class BitReader {
    private final byte[] buf;
    private final int end;      // exclusive byte index
    private final int endBits;  // exclusive bit position
    private int pos;            // absolute bit position of the next unread bit
    private long cache;         // the bits from pos on, left-aligned
    private int cached;         // how many bits of cache are valid

    BitReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.end = end;
        this.endBits = end * 8;
        this.pos = offset * 8;
    }

    /** Reloads the cache with the 57..64 bits from pos on (zeros past the end). */
    private void refill() {
        int bp = pos >>> 3;
        long w;
        if (bp + 8 <= end) {
            w = ((buf[bp] & 0xFFL) << 56) | ((buf[bp + 1] & 0xFFL) << 48) | ((buf[bp + 2] & 0xFFL) << 40)
                    | ((buf[bp + 3] & 0xFFL) << 32) | ((buf[bp + 4] & 0xFFL) << 24) | ((buf[bp + 5] & 0xFFL) << 16)
                    | ((buf[bp + 6] & 0xFFL) << 8) | (buf[bp + 7] & 0xFFL);
        } else {
            w = 0;
            for (int i = 0; i < 8; i++) {
                w = (w << 8) | (bp + i < end ? buf[bp + i] & 0xFF : 0);
            }
        }
        int shift = pos & 7;
        cache = w << shift;
        cached = 64 - shift;
    }

    /** The next n bits (1..32) without consuming them. */
    int peek(int n) {
        if (cached < n) {
            refill();
        }
        return (int) (cache >>> (64 - n));
    }

    void skip(int n) throws Mpeg4Exception {
        pos += n;
        if (pos > endBits) {
            pos = endBits;
            cached = 0;
            throw new Mpeg4Exception("unexpected end of data");
        }
        if (n < cached) {
            cache <<= n;
            cached -= n;
        } else {
            cached = 0;
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
        cached = 0;
    }

    int bitsLeft() {
        return endBits - pos;
    }
}
