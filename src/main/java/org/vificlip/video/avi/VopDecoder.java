package org.vificlip.video.avi;

import org.vificlip.video.Yuv420Frame;

import java.util.List;

/**
 * What the AVI reader needs from an MPEG-4 Part 2 decoder (the project's is
 * {@code org.vificlip.video.mpeg4.Mpeg4Decoder}). Packets are single VOPs in decode order; pictures come
 * back in presentation order. Failures are reported as {@link Exception}s whose message says what is wrong
 * with the stream; the reader adds the file, frame and chunk.
 */
interface VopDecoder {
    /** Stream headers (VOS/VOL) before any packet. */
    void configure(byte[] headers) throws Exception;

    /** Decodes one VOP; the pictures now ready, in presentation order (none for an N-VOP or a held anchor). */
    List<Yuv420Frame> decode(byte[] vop) throws Exception;

    /** The picture still held back (the last anchor), if any. */
    List<Yuv420Frame> flush() throws Exception;

    /** Drops all reference pictures: the next packet is a key frame decoded from scratch. */
    void reset();
}
