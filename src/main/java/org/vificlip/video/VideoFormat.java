package org.vificlip.video;

import java.io.IOException;
import java.nio.file.Path;

/** One kind of video input that {@link VideoReaders} can open. */
public interface VideoFormat {
    /** Short name for error messages, e.g. "MP4/MOV (H.264)". */
    String name();

    /**
     * Whether this format claims the file, judged from its first bytes (up to 64; fewer for short files)
     * or, for directories, {@code head == null}.
     */
    boolean accepts(java.nio.file.Path file, byte[] head);

    VideoReader open(Path file) throws IOException;
}
