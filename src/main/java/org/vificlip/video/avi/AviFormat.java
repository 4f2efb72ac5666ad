package org.vificlip.video.avi;

import org.vificlip.video.VideoFormat;
import org.vificlip.video.VideoReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/** AVI files ({@code RIFF....AVI }) with MPEG-4 Part 2 video: UCF-101 (Xvid), HMDB-51 (DivX 5). */
public final class AviFormat implements VideoFormat {
    private final Supplier<VopDecoder> decoders;

    public AviFormat() {
        this(Mpeg4VopDecoder::new);
    }

    AviFormat(Supplier<VopDecoder> decoders) {
        this.decoders = decoders;
    }

    @Override
    public String name() {
        return "AVI (MPEG-4 Part 2: Xvid, DivX 4/5)";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return head != null && head.length >= 12
                && new String(head, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("AVI ");
    }

    @Override
    public VideoReader open(Path file) throws IOException {
        return AviVideoReader.open(file, decoders);
    }
}
