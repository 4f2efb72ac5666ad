package org.vificlip.synth;

import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.DumbRateControl;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.MediaHeaderBox;
import org.jcodec.containers.mp4.boxes.MovieBox;
import org.jcodec.containers.mp4.boxes.MovieHeaderBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.TrackHeaderBox;
import org.jcodec.containers.mp4.boxes.TrakBox;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes RGB frames as an H.264 (Constrained Baseline-like: I and P frames, CAVLC) MP4 with JCodec 0.2.5's
 * encoder and muxer. What JCodec leaves to the caller, handled here:
 * <ul>
 *   <li>Colour: the encoder takes raw 4:2:0 planes and writes no colour description, so players (FFmpeg,
 *       our {@code Yuv420Frame}) read them as BT.601 limited range. We convert RGB with exactly those
 *       equations; JCodec's own RGB converter makes full-range ("J") samples and turns dark greys black
 *       (jcodec issue #173).</li>
 *   <li>Size: H.264 codes whole 16x16 macroblocks and crops in 2-pixel steps for 4:2:0, so widths and
 *       heights must be even; the picture is padded to a multiple of 16 by repeating the edge and the
 *       SPS crops it back (the encoder derives the crop from the picture's crop rectangle).</li>
 *   <li>Determinism: the muxer stamps the wall-clock time into mvhd, tkhd and mdhd; those boxes are
 *       rebuilt with a fixed time so the same frames always give the same bytes.</li>
 *   <li>Buffers: each frame gets its own output buffer, because the muxer keeps the SPS/PPS slices it
 *       finds in a frame until it writes the header.</li>
 * </ul>
 * The rate control is JCodec's default (QP 20 for I, 26 for P, raised per macroblock when a frame would
 * outgrow width*height bytes): at these sizes and this content the decoded colours stay within a few
 * levels of the input away from edges.
 */
public final class H264Mp4Writer {
    /** Creation and modification time written into the headers: 1970-01-01, in ms as JCodec takes it. */
    private static final long FIXED_TIME_MS = 0L;

    private H264Mp4Writer() {
    }

    /**
     * Encodes the frames ({@code width*height*3} RGB bytes each) at {@code fps} frames per second and
     * returns the MP4 file's bytes.
     */
    public static byte[] encode(Iterable<byte[]> rgbFrames, int width, int height, int fps) throws IOException {
        checkSize(width, height);
        if (fps < 1) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        GrowableChannel out = new GrowableChannel();
        MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(out);
        MuxerTrack track = muxer.addVideoTrack(Codec.H264,
                VideoCodecMeta.createSimpleVideoCodecMeta(new Size(width, height), ColorSpace.YUV420J));
        H264Encoder encoder = new H264Encoder(new DumbRateControl());
        int frameNo = 0;
        for (byte[] rgb : rgbFrames) {
            if (rgb.length != width * height * 3) {
                throw new IllegalArgumentException("frame " + frameNo + " has " + rgb.length + " bytes, expected "
                        + width * height * 3);
            }
            Picture picture = toPicture(rgb, width, height);
            ByteBuffer buffer = ByteBuffer.allocate(encoder.estimateBufferSize(picture));
            VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(picture, buffer);
            track.addFrame(Packet.createPacket(encoded.getData(), frameNo, fps, 1, frameNo,
                    encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
            frameNo++;
        }
        if (frameNo == 0) {
            throw new IllegalArgumentException("no frames to encode");
        }
        MovieBox movie = muxer.finalizeHeader();
        fixTimes(movie);
        muxer.storeHeader(movie);
        out.close();
        return out.toByteArray();
    }

    /** As {@link #encode}, written to a file (replaced if it exists). */
    public static void write(Path file, Iterable<byte[]> rgbFrames, int width, int height, int fps) throws IOException {
        Files.write(file, encode(rgbFrames, width, height, fps));
    }

    static void checkSize(int width, int height) {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("H.264 4:2:0 needs an even width and height, got " + width + "x" + height);
        }
    }

    /**
     * RGB to BT.601 limited-range Y'CbCr 4:2:0 (the 8-bit integer form of ITU-R BT.601: Y in 16..235,
     * Cb/Cr in 16..240), chroma from the mean of each 2x2 block, padded to whole macroblocks by repeating
     * the last column and row. JCodec stores samples minus 128 in signed bytes.
     */
    static Picture toPicture(byte[] rgb, int width, int height) {
        int codedW = (width + 15) & ~15;
        int codedH = (height + 15) & ~15;
        Picture picture = Picture.createCropped(codedW, codedH, ColorSpace.YUV420J, new Rect(0, 0, width, height));
        byte[] y = picture.getPlaneData(0);
        byte[] cb = picture.getPlaneData(1);
        byte[] cr = picture.getPlaneData(2);
        for (int row = 0; row < codedH; row++) {
            int srcRow = Math.min(row, height - 1);
            for (int col = 0; col < codedW; col++) {
                int s = (srcRow * width + Math.min(col, width - 1)) * 3;
                int r = rgb[s] & 0xFF;
                int g = rgb[s + 1] & 0xFF;
                int b = rgb[s + 2] & 0xFF;
                int luma = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
                y[row * codedW + col] = (byte) (luma - 128);
            }
        }
        int chromaW = codedW / 2;
        for (int row = 0; row < codedH / 2; row++) {
            int r0 = Math.min(2 * row, height - 2);
            for (int col = 0; col < chromaW; col++) {
                int c0 = Math.min(2 * col, width - 2);
                int sr = 0;
                int sg = 0;
                int sb = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int s = ((r0 + dy) * width + c0 + dx) * 3;
                        sr += rgb[s] & 0xFF;
                        sg += rgb[s + 1] & 0xFF;
                        sb += rgb[s + 2] & 0xFF;
                    }
                }
                // Sums of four pixels: the >> 10 divides by 4 (the mean) and by 256 (the coefficients).
                int u = ((-38 * sr - 74 * sg + 112 * sb + 512) >> 10) + 128;
                int v = ((112 * sr - 94 * sg - 18 * sb + 512) >> 10) + 128;
                cb[row * chromaW + col] = (byte) (clip(u) - 128);
                cr[row * chromaW + col] = (byte) (clip(v) - 128);
            }
        }
        return picture;
    }

    private static int clip(int value) {
        return Math.max(0, Math.min(255, value));
    }

    /**
     * Rebuilds the three header boxes that carry creation/modification times with a fixed time, each in
     * its place (NodeBox.replace would move it to the end, and mvhd must stay first in moov).
     */
    private static void fixTimes(MovieBox movie) {
        MovieHeaderBox mvhd = NodeBox.findFirst(movie, MovieHeaderBox.class, "mvhd");
        replaceInPlace(movie, mvhd, MovieHeaderBox.createMovieHeaderBox(mvhd.getTimescale(), mvhd.getDuration(),
                mvhd.getRate(), mvhd.getVolume(), FIXED_TIME_MS, FIXED_TIME_MS, mvhd.getMatrix(),
                mvhd.getNextTrackId()));
        for (TrakBox trak : movie.getTracks()) {
            TrackHeaderBox tkhd = NodeBox.findFirst(trak, TrackHeaderBox.class, "tkhd");
            replaceInPlace(trak, tkhd, TrackHeaderBox.createTrackHeaderBox(tkhd.getTrackId(), tkhd.getDuration(),
                    tkhd.getWidth(), tkhd.getHeight(), FIXED_TIME_MS, FIXED_TIME_MS, tkhd.getVolume(),
                    tkhd.getLayer(), tkhd.getAltGroup(), tkhd.getMatrix()));
            NodeBox mdia = NodeBox.findFirst(trak, NodeBox.class, "mdia");
            MediaHeaderBox mdhd = NodeBox.findFirst(mdia, MediaHeaderBox.class, "mdhd");
            replaceInPlace(mdia, mdhd, MediaHeaderBox.createMediaHeaderBox(mdhd.getTimescale(), mdhd.getDuration(),
                    mdhd.getLanguage(), FIXED_TIME_MS, FIXED_TIME_MS, mdhd.getQuality()));
        }
    }

    private static void replaceInPlace(NodeBox parent, Box old, Box replacement) {
        List<Box> children = parent.getBoxes();
        int index = children.indexOf(old);
        if (index < 0) {
            throw new IllegalStateException("unexpected JCodec MP4 layout: no " + old.getFourcc() + " in "
                    + parent.getFourcc());
        }
        children.set(index, replacement);
    }
}
