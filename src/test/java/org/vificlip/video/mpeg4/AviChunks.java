package org.vificlip.video.mpeg4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: the video chunks ("00dc"/"00db") of an AVI's movi list in file order. Not a demuxer. */
final class AviChunks {
    private AviChunks() {
    }

    static List<byte[]> read(Path avi) throws IOException {
        byte[] b = Files.readAllBytes(avi);
        if (b.length < 12 || !fourcc(b, 0).equals("RIFF") || !fourcc(b, 8).equals("AVI ")) {
            throw new IOException(avi + " is not a RIFF AVI file");
        }
        List<byte[]> chunks = new ArrayList<>();
        walk(b, 12, b.length, chunks);
        return chunks;
    }

    private static void walk(byte[] b, int pos, int end, List<byte[]> out) {
        while (pos + 8 <= end) {
            String id = fourcc(b, pos);
            int size = le32(b, pos + 4);
            int body = pos + 8;
            if (size < 0 || body + size > b.length) {
                return;
            }
            if (id.equals("LIST") || id.equals("RIFF")) {
                String type = fourcc(b, body);
                if (type.equals("movi") || type.equals("rec ") || type.equals("AVIX")) {
                    walk(b, body + 4, body + size, out);
                }
            } else if (id.endsWith("dc") || id.endsWith("db")) {
                if (id.startsWith("00")) {
                    byte[] chunk = new byte[size];
                    System.arraycopy(b, body, chunk, 0, size);
                    out.add(chunk);
                }
            }
            pos = body + size + (size & 1);
        }
    }

    private static String fourcc(byte[] b, int p) {
        return new String(b, p, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
