package org.vificlip.video;

import java.nio.charset.StandardCharsets;

/** Names the container of a file we cannot read from its first bytes, for error messages. */
final class KnownContainers {
    private KnownContainers() {
    }

    /** "an AVI file (RIFF AVI)" and the like, or null when the bytes are not recognised. */
    static String describe(byte[] head) {
        if (head == null || head.length < 4) {
            return null;
        }
        if (startsWith(head, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "a Matroska/WebM file (EBML header; VP8/VP9/AV1 are not supported)";
        }
        if (head.length >= 12 && ascii(head, 0, 4).equals("RIFF")) {
            String type = ascii(head, 8, 4).trim();
            return "AVI".equals(type) ? "an AVI file (RIFF AVI)" : "a RIFF " + type + " file";
        }
        if (ascii(head, 0, 3).equals("FLV")) {
            return "an FLV file";
        }
        if (startsWith(head, 0x00, 0x00, 0x01, 0xBA)) {
            return "an MPEG program stream (.mpg/.vob)";
        }
        if (startsWith(head, 0x00, 0x00, 0x00, 0x01) || startsWith(head, 0x00, 0x00, 0x01)) {
            return "a raw Annex-B elementary stream without a container (wrap it in MP4: ffmpeg -i X -c copy X.mp4)";
        }
        if (ascii(head, 0, 4).equals("OggS")) {
            return "an Ogg file";
        }
        if (startsWith(head, 0x30, 0x26, 0xB2, 0x75)) {
            return "an ASF/WMV file";
        }
        if (startsWith(head, 0xFF, 0xD8, 0xFF) || startsWith(head, 0x89, 'P', 'N', 'G')) {
            return "a single image (pass the folder of frames instead)";
        }
        if (isText(head)) {
            return "a text file";
        }
        return null;
    }

    private static boolean isText(byte[] head) {
        for (byte b : head) {
            int c = b & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] head, int... bytes) {
        if (head.length < bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((head[i] & 0xFF) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] head, int from, int len) {
        return new String(head, from, Math.min(len, head.length - from), StandardCharsets.ISO_8859_1);
    }
}
