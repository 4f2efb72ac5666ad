package org.vificlip.video.mpeg4;

/** An MPEG-4 Part 2 stream that is corrupt, truncated, or uses a feature this decoder does not implement. */
public class Mpeg4Exception extends Exception {
    public Mpeg4Exception(String message) {
        super(message);
    }

    public Mpeg4Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
