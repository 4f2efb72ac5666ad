package org.vificlip.video.avi;

/**
 * Where MPEG-4 Part 2 (ISO/IEC 14496-2) start codes sit in a chunk, for the container side: a chunk may hold
 * two VOPs ("packed bitstream") and must be split where FFmpeg splits it. What a VOP header says (type,
 * vop_coded) is read by the decoder's {@code Mpeg4Decoder.scanChunk}.
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
}
