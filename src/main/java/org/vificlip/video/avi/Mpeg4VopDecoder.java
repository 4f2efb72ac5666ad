package org.vificlip.video.avi;

import org.vificlip.video.Yuv420Frame;
import org.vificlip.video.mpeg4.Mpeg4Decoder;

import java.util.List;

/** The project's MPEG-4 Part 2 decoder behind the AVI reader's seam. */
final class Mpeg4VopDecoder implements VopDecoder {
    private final Mpeg4Decoder decoder = new Mpeg4Decoder();

    @Override
    public void configure(byte[] headers) throws Exception {
        if (headers.length > 0) {
            decoder.configure(headers);
        }
    }

    @Override
    public List<Yuv420Frame> decode(byte[] vop) throws Exception {
        return decoder.decode(vop);
    }

    @Override
    public List<Yuv420Frame> flush() {
        return decoder.flush();
    }

    @Override
    public void reset() {
        decoder.reset();
    }
}
