package org.vificlip.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/** MP4 / QuickTime MOV files with H.264 video, decoded by JCodec ({@link Mp4H264Reader}). */
public final class Mp4H264Format implements VideoFormat {
    /** Box types an ISO-BMFF / QuickTime file may start with (bytes 4..7). */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot");

    @Override
    public String name() {
        return "MP4/MOV (H.264 8-bit 4:2:0 progressive)";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return head != null && head.length >= 8
                && FIRST_BOXES.contains(new String(head, 4, 4, StandardCharsets.ISO_8859_1));
    }

    @Override
    public VideoReader open(Path file) throws IOException {
        return Mp4H264Reader.open(file);
    }
}
