package org.vificlip.video;

import org.vificlip.BadInputException;
import org.vificlip.video.avi.AviFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Opens any supported video input, choosing the format from the file's first bytes, not its name. */
public final class VideoReaders {
    private VideoReaders() {
    }

    /** Every format we read, most specific first; one line each. */
    static List<VideoFormat> formats() {
        return List.of(
                // formats are registered here, one line each
                new Mp4H264Format(),
                new AviFormat(),
                new FrameFolderFormat()
        );
    }

    public static VideoReader open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new BadInputException(file, "no such file or directory");
        }
        byte[] head = null;
        if (!Files.isDirectory(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(64);
            }
            if (head.length == 0) {
                throw new BadInputException(file, "the file is empty; expected a video (" + supported() + ")");
            }
        }
        for (VideoFormat format : formats()) {
            if (format.accepts(file, head)) {
                return format.open(file);
            }
        }
        throw new BadInputException(file, "not a video format we can read (found " + describe(head)
                + "); supported: " + supported());
    }

    static String supported() {
        return formats().stream().map(VideoFormat::name).collect(Collectors.joining(", "));
    }

    private static String describe(byte[] head) {
        if (head == null) {
            return "a directory with no frame images";
        }
        String known = KnownContainers.describe(head);
        if (known != null) {
            return known;
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(12, head.length); i++) {
            hex.append(String.format("%02x", head[i] & 0xFF));
        }
        return "first bytes " + hex;
    }
}
