package org.vificlip.video.avi;

/**
 * Just enough of MPEG-4 Part 2 (ISO/IEC 14496-2) headers for the container side: where VOPs start in a chunk,
 * each VOP's coding type and whether it is coded at all (an N-VOP is not), and the VOL field needed to read
 * that ({@code vop_time_increment_resolution}). Nothing here decodes pictures; the decoder does that.
 * It is needed because a chunk may hold two VOPs ("packed bitstream") and must be split as FFmpeg splits it.
 */
final class VopHeaders {
    static final int VOP_START = 0xB6;
    static final int VOS_START = 0xB0;

    private VopHeaders() {
    }

    /** Offset of the next start code prefix {@code 00 00 01 code} at or after {@code from}, or -1. */
    static int findStartCode(byte[] data, int from, int code) {
        for (int i = Math.max(0, from); i + 3 < data.length; i++) {
            if (data[i + 2] == 1 && data[i] == 0 && data[i + 1] == 0 && (code < 0 || (data[i + 3] & 0xFF) == code)) {
                return i;
            }
        }
        return -1;
    }

    /** Offset of the first VOL start code ({@code 00 00 01 20..2F}), or -1. */
    static int findVol(byte[] data) {
        for (int i = findStartCode(data, 0, -1); i >= 0; i = findStartCode(data, i + 3, -1)) {
            int code = data[i + 3] & 0xFF;
            if (code >= 0x20 && code <= 0x2F) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Bits of {@code vop_time_increment} in VOP headers, from the VOL header starting at {@code vol}
     * (6.2.3 of the standard), computed as FFmpeg does ({@code av_log2(resolution - 1) + 1}); -1 when the
     * VOL header is too short to tell.
     */
    static int timeIncrementBits(byte[] data, int vol) {
        Bits bits = new Bits(data, vol + 4);
        try {
            bits.skip(1);                        // random_accessible_vol
            bits.skip(8);                        // video_object_type_indication
            int verid = 1;
            if (bits.read(1) == 1) {             // is_object_layer_identifier
                verid = bits.read(4);
                bits.skip(3);                    // video_object_layer_priority
            }
            if (bits.read(4) == 15) {            // aspect_ratio_info: extended PAR
                bits.skip(16);
            }
            if (bits.read(1) == 1) {             // vol_control_parameters
                bits.skip(3);                    // chroma_format, low_delay
                if (bits.read(1) == 1) {         // vbv_parameters
                    bits.skip(79);
                }
            }
            int shape = bits.read(2);
            if (shape == 3 && verid != 1) {      // grayscale shape extension
                bits.skip(4);
            }
            bits.skip(1);                        // marker
            int resolution = bits.read(16);
            if (resolution == 0) {
                return -1;
            }
            return Math.max(1, 32 - Integer.numberOfLeadingZeros(resolution - 1));
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** The VOP's coding type, 'I', 'P', 'B' or 'S', from the VOP header at {@code vop}. */
    static char vopType(byte[] data, int vop) {
        if (vop + 4 >= data.length) {
            return '?';
        }
        return "IPBS".charAt((data[vop + 4] & 0xFF) >> 6);
    }

    /**
     * Whether the VOP at {@code vop} is coded ({@code vop_coded}); an N-VOP (not coded) only says "nothing
     * changed" and gives no picture in FFmpeg. Unknown header layouts count as coded.
     */
    static boolean vopCoded(byte[] data, int vop, int timeIncrementBits) {
        if (timeIncrementBits <= 0) {
            return data.length - vop > 19; // FFmpeg's size rule for N-VOP placeholders, when the VOL is unknown
        }
        Bits bits = new Bits(data, vop + 4);
        try {
            bits.skip(2);                        // vop_coding_type
            for (int i = 0; bits.read(1) == 1; i++) { // modulo_time_base
                if (i > 1000) {
                    return true;
                }
            }
            bits.skip(1);                        // marker
            bits.skip(timeIncrementBits);        // vop_time_increment
            bits.skip(1);                        // marker
            return bits.read(1) == 1;
        } catch (IndexOutOfBoundsException e) {
            return true;
        }
    }

    /** MPEG-4 profile name from a VOS header's profile_and_level_indication, or null. */
    static String profile(byte[] data) {
        int vos = findStartCode(data, 0, VOS_START);
        if (vos < 0 || vos + 4 >= data.length) {
            return null;
        }
        int indication = data[vos + 4] & 0xFF;
        if (indication >= 0x01 && indication <= 0x08) {
            return "Simple Profile";
        }
        if (indication >= 0xF0 && indication <= 0xF7) {
            return "Advanced Simple Profile";
        }
        return null;
    }

    /** Big-endian bit reader over a byte array; reading past the end throws IndexOutOfBoundsException. */
    private static final class Bits {
        private final byte[] data;
        private long pos;

        Bits(byte[] data, int byteOffset) {
            this.data = data;
            this.pos = byteOffset * 8L;
        }

        int read(int n) {
            int value = 0;
            for (int i = 0; i < n; i++) {
                int b = data[(int) (pos >> 3)] & 0xFF;
                value = (value << 1) | ((b >> (7 - (int) (pos & 7))) & 1);
                pos++;
            }
            return value;
        }

        void skip(int n) {
            pos += n;
            if ((pos + 7) >> 3 > data.length) {
                throw new IndexOutOfBoundsException("past the end of the header");
            }
        }
    }
}
