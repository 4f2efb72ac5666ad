package org.vificlip.video;

import java.io.IOException;
import java.util.List;

/**
 * The decoder seam: one opened video (an MP4, an AVI, a folder of frames). Implementations decode only
 * what the requested frames need: seek to the key frame at or before the first wanted frame and
 * decode forward, never the whole file for a handful of frames.
 */
public interface VideoReader extends AutoCloseable {
    VideoInfo info();

    /**
     * The frames at the given presentation-order indices, in the order asked. Indices are within
     * {@code [0, info().frameCount())}; they may repeat (short videos) and need not be sorted.
     *
     * @throws org.vificlip.BadInputException naming the file when the stream cannot be decoded
     */
    List<RgbFrame> read(int[] indices) throws IOException;

    @Override
    void close() throws IOException;
}
