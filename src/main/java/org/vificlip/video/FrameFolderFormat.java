package org.vificlip.video;

import java.io.IOException;
import java.nio.file.Path;

/** A directory of extracted frames ({@code img_00001.jpg} style, JPEG or PNG), as mmaction's raw frames. */
public final class FrameFolderFormat implements VideoFormat {
    @Override
    public String name() {
        return "folder of frames (JPEG/PNG)";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return head == null;
    }

    @Override
    public VideoReader open(Path file) throws IOException {
        return FrameFolderReader.open(file);
    }
}
