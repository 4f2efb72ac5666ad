package org.vificlip.video;

import java.nio.file.Path;

/**
 * What a container says about its video stream, before any frame is decoded.
 *
 * @param frameCount frames in presentation order (what FFmpeg counts; N-VOP placeholders excluded)
 * @param codec      a short human description, e.g. "h264 High" or "mpeg4 (XVID)"
 */
public record VideoInfo(Path file, int frameCount, int width, int height, double fps, String codec) {
}
