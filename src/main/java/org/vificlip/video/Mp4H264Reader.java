package org.vificlip.video;

import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.boxes.CompositionOffsetsBox;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.SyncSamplesBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrakBox;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * H.264 video from an MP4/MOV file, decoded by JCodec 0.2.5.
 *
 * <p>Index bookkeeping: MP4 stores samples in decode order; a sample's presentation time is its decode
 * time plus its composition offset ({@code ctts}). Presentation index {@code p} is the rank of a sample's
 * presentation time, which is how FFmpeg numbers frames. JCodec's decoder returns each packet's own
 * picture at once (no reordering), so we map presentation indices to samples up front, seek to the sync
 * sample at or before each wanted sample and decode forward in decode order. Non-reference pictures
 * (B-frames nobody predicts from) that were not asked for are skipped without decoding.
 */
public final class Mp4H264Reader implements VideoReader {
    static {
        routeJCodecLogging();
    }

    /**
     * JCodec prints its warnings ("IPCM macroblock found", ...) to standard output, where they would mix
     * with a command's output; they go to SLF4J at debug level instead (problems that matter surface as
     * our exceptions). JCodec takes sinks only before its first message, hence a static initialiser.
     */
    private static void routeJCodecLogging() {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("org.jcodec");
        try {
            org.jcodec.common.logging.Logger.addSink(message -> {
                if (log.isDebugEnabled()) {
                    log.debug("{}: {}", message.getClassName(), message.getMessage());
                }
            });
        } catch (RuntimeException e) {
            log.debug("JCodec logging already started; its messages stay on standard output", e);
        }
    }

    /** Sample-entry FourCCs of H.264 in MP4/MOV. */
    private static final List<String> H264_FOURCCS = List.of("avc1", "avc3");

    private final Path file;
    private final FileChannelWrapper channel;
    private final AbstractMP4DemuxerTrack track;
    private final VideoInfo info;
    /** Decode-order sample number of each presentation index. */
    private final int[] sampleOfFrame;
    /** Sorted decode-order numbers of sync (key) samples. */
    private final int[] syncSamples;
    private final ByteBuffer codecPrivate;
    private final int codedWidth;
    private final int codedHeight;

    private H264Decoder decoder;
    /** Decode-order number of the next sample the decoder expects, or -1 when its state is unusable. */
    private int nextSample = -1;
    private byte[][] pictureBuffer;
    /** JCodec can spin forever on corrupt CABAC data: every decodeFrame runs under a time limit. */
    private DecodeWatchdog watchdog;

    private Mp4H264Reader(Path file, FileChannelWrapper channel, AbstractMP4DemuxerTrack track, VideoInfo info,
                          int[] sampleOfFrame, int[] syncSamples, ByteBuffer codecPrivate,
                          int codedWidth, int codedHeight) {
        this.file = file;
        this.channel = channel;
        this.track = track;
        this.info = info;
        this.sampleOfFrame = sampleOfFrame;
        this.syncSamples = syncSamples;
        this.codecPrivate = codecPrivate;
        this.codedWidth = codedWidth;
        this.codedHeight = codedHeight;
    }

    /** Opens the file and reads its sample tables; no frame is decoded yet. */
    public static Mp4H264Reader open(Path file) throws IOException {
        return open(file, DecodeWatchdog.DEFAULT_TIMEOUT_MS);
    }

    /** As {@link #open(Path)}, giving up on a frame whose decoding takes longer than {@code frameTimeoutMs}. */
    static Mp4H264Reader open(Path file, long frameTimeoutMs) throws IOException {
        FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile());
        try {
            Mp4H264Reader reader = open(file, channel);
            reader.watchdog = new DecodeWatchdog("h264-decode", frameTimeoutMs);
            return reader;
        } catch (BadInputException e) {
            channel.close();
            throw e;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            channel.close();
            throw new BadInputException(file, "not a readable MP4/MOV file (" + describe(e)
                    + "); the file may be truncated or corrupt", e);
        }
    }

    private static Mp4H264Reader open(Path file, FileChannelWrapper channel) throws IOException {
        MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(channel);
        if (demuxer.getMovie() == null) {
            throw new BadInputException(file, "MP4/MOV file without a 'moov' box (truncated, or still being written)");
        }
        AbstractMP4DemuxerTrack track = null;
        for (AbstractMP4DemuxerTrack t : demuxer.getTracks()) {
            if (t.getBox().isVideo()) {
                track = t;
                break;
            }
        }
        if (track == null) {
            throw new BadInputException(file, "MP4/MOV file with no video track");
        }
        TrakBox box = track.getBox();
        SampleEntry[] entries = box.getSampleEntries();
        if (entries == null || entries.length == 0) {
            throw new BadInputException(file, "video track without a sample description");
        }
        String fourcc = entries[0].getFourcc();
        if (!H264_FOURCCS.contains(fourcc)) {
            throw new BadInputException(file, "video codec '" + fourcc + "' in MP4/MOV is not supported; supported: "
                    + "H.264 (avc1), 8-bit 4:2:0, progressive");
        }
        ByteBuffer codecPrivate = track.getMeta().getCodecPrivate();
        if (codecPrivate == null) {
            throw new BadInputException(file, "H.264 track without SPS/PPS (no avcC box)");
        }
        SeqParameterSet sps = firstSps(file, codecPrivate);
        checkSupported(file, sps);

        int samples = (int) box.getSampleCount();
        if (samples <= 0) {
            throw new BadInputException(file, "MP4/MOV video track has no frames");
        }
        long[] pts = presentationTimes(file, box, samples);
        int[] sampleOfFrame = presentationOrder(pts);
        int[] sync = syncSamples(box, samples);

        int mbW = sps.picWidthInMbsMinus1 + 1;
        int mbH = sps.picHeightInMapUnitsMinus1 + 1;
        int width = mbW * 16;
        int height = mbH * 16;
        if (sps.frameCroppingFlag) {
            width -= 2 * (sps.frameCropLeftOffset + sps.frameCropRightOffset);
            height -= 2 * (sps.frameCropTopOffset + sps.frameCropBottomOffset);
        }
        double fps = frameRate(box, samples);
        String codec = "h264 " + profileName(sps.profileIdc);
        VideoInfo info = new VideoInfo(file, samples, width, height, fps, codec);
        return new Mp4H264Reader(file, channel, track, info, sampleOfFrame, sync, codecPrivate, mbW * 16, mbH * 16);
    }

    private static SeqParameterSet firstSps(Path file, ByteBuffer codecPrivate) throws BadInputException {
        for (ByteBuffer nal : H264Utils.splitFrame(codecPrivate.duplicate())) {
            if (nal.remaining() > 0 && (nal.get(nal.position()) & 0x1F) == 7) {
                ByteBuffer payload = nal.duplicate();
                payload.get(); // NAL header
                return SeqParameterSet.read(payload);
            }
        }
        throw new BadInputException(file, "H.264 track without a sequence parameter set");
    }

    /** Rejects what JCodec's decoder does not handle, before it produces garbage. */
    private static void checkSupported(Path file, SeqParameterSet sps) throws BadInputException {
        String found = "H.264 " + profileName(sps.profileIdc);
        if (sps.profileIdc == 122 || sps.profileIdc == 244 || sps.profileIdc == 44) {
            throw new BadInputException(file, "found " + found + " (4:2:2/4:4:4 or lossless profile); supported: "
                    + "H.264 8-bit 4:2:0 progressive (re-encode with -pix_fmt yuv420p)");
        }
        if (sps.bitDepthLumaMinus8 != 0 || sps.bitDepthChromaMinus8 != 0) {
            throw new BadInputException(file, "found " + found + " with " + (8 + sps.bitDepthLumaMinus8)
                    + "-bit samples; supported: H.264 8-bit 4:2:0 progressive (re-encode, e.g. ffmpeg -pix_fmt yuv420p)");
        }
        if (sps.chromaFormatIdc != org.jcodec.common.model.ColorSpace.YUV420J
                && sps.chromaFormatIdc != org.jcodec.common.model.ColorSpace.YUV420) {
            throw new BadInputException(file, "found " + found + " with chroma " + sps.chromaFormatIdc
                    + "; supported: H.264 8-bit 4:2:0 progressive (re-encode with -pix_fmt yuv420p)");
        }
        if (!sps.frameMbsOnlyFlag) {
            throw new BadInputException(file, "found interlaced " + found
                    + " (field or MBAFF coding); supported: H.264 8-bit 4:2:0 progressive (de-interlace first)");
        }
    }

    static String profileName(int profileIdc) {
        return switch (profileIdc) {
            case 66 -> "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10";
            case 122 -> "High 4:2:2";
            case 244 -> "High 4:4:4";
            default -> "profile " + profileIdc;
        };
    }

    /** Presentation time of every sample (decode order): decode time from stts plus the ctts offset. */
    private static long[] presentationTimes(Path file, TrakBox box, int samples) throws BadInputException {
        TimeToSampleBox stts = box.getStts();
        if (stts == null) {
            throw new BadInputException(file, "video track without sample timing (no stts box)");
        }
        long[] pts = new long[samples];
        int s = 0;
        long dts = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries()) {
            for (int k = 0; k < e.getSampleCount() && s < samples; k++) {
                pts[s++] = dts;
                dts += e.getSampleDuration();
            }
        }
        if (s < samples) {
            // A short stts: FFmpeg keeps the last duration; so do we.
            long step = s > 1 ? pts[s - 1] - pts[s - 2] : 1;
            for (; s < samples; s++) {
                pts[s] = s == 0 ? 0 : pts[s - 1] + step;
            }
        }
        CompositionOffsetsBox ctts = box.getCtts();
        if (ctts != null) {
            s = 0;
            for (CompositionOffsetsBox.Entry e : ctts.getEntries()) {
                for (int k = 0; k < e.getCount() && s < samples; k++) {
                    pts[s++] += e.getOffset();
                }
            }
        }
        return pts;
    }

    /** Decode-order sample numbers sorted by presentation time (ties keep decode order). */
    static int[] presentationOrder(long[] pts) {
        Integer[] order = new Integer[pts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pts[a] != pts[b] ? Long.compare(pts[a], pts[b]) : Integer.compare(a, b));
        int[] result = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            result[i] = order[i];
        }
        return result;
    }

    /** Zero-based sync samples; without an stss box every sample is a sync sample. */
    private static int[] syncSamples(TrakBox box, int samples) {
        SyncSamplesBox stss = box.getStss();
        if (stss == null || stss.getSyncSamples() == null || stss.getSyncSamples().length == 0) {
            int[] all = new int[samples];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return Arrays.stream(stss.getSyncSamples()).map(i -> i - 1).filter(i -> i >= 0 && i < samples)
                .sorted().distinct().toArray();
    }

    /** The most common sample duration as a rate (FFmpeg's r_frame_rate for constant-rate video). */
    private static double frameRate(TrakBox box, int samples) {
        int timescale = box.getTimescale();
        Map<Integer, Long> counts = new HashMap<>();
        for (TimeToSampleBox.TimeToSampleEntry e : box.getStts().getEntries()) {
            counts.merge(e.getSampleDuration(), (long) e.getSampleCount(), Long::sum);
        }
        int common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0);
        if (common > 0 && timescale > 0) {
            return (double) timescale / common;
        }
        long duration = box.getMediaDuration();
        return duration > 0 && timescale > 0 ? samples * (double) timescale / duration : 0;
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public List<RgbFrame> read(int[] indices) throws IOException {
        List<Yuv420Frame> yuv = readYuv(indices);
        List<RgbFrame> out = new ArrayList<>(yuv.size());
        for (Yuv420Frame frame : yuv) {
            out.add(frame.toRgb());
        }
        return out;
    }

    /** As {@link #read}, before colour conversion. */
    public synchronized List<Yuv420Frame> readYuv(int[] indices) throws IOException {
        Map<Integer, Yuv420Frame> decoded = new HashMap<>();
        Map<Integer, Integer> frameOfSample = new HashMap<>();
        TreeSet<Integer> wantedSamples = new TreeSet<>();
        for (int index : indices) {
            if (index < 0 || index >= info.frameCount()) {
                throw new IllegalArgumentException("frame " + index + " outside [0, " + info.frameCount() + ")");
            }
            int sample = sampleOfFrame[index];
            wantedSamples.add(sample);
            frameOfSample.put(sample, index);
        }
        for (int target : wantedSamples) {
            if (decoded.containsKey(frameOfSample.get(target))) {
                continue;
            }
            int key = syncSampleAtOrBefore(target);
            // Restart at the key frame when the decoder is behind it (cheaper than decoding through) or
            // past the target (asked out of order after an earlier read).
            if (nextSample < 0 || nextSample > target || key > nextSample) {
                seekTo(key);
            }
            while (nextSample <= target) {
                int sample = nextSample;
                boolean wanted = wantedSamples.contains(sample);
                Packet packet = nextPacket(sample);
                nextSample++;
                if (!wanted && !isReference(packet.getData())) {
                    continue;
                }
                Picture picture = decode(packet, sample);
                if (wanted) {
                    decoded.put(frameOfSample.get(sample), toYuv(picture));
                }
            }
        }
        List<Yuv420Frame> out = new ArrayList<>(indices.length);
        for (int index : indices) {
            out.add(decoded.get(index));
        }
        return out;
    }

    private int syncSampleAtOrBefore(int sample) {
        int pos = Arrays.binarySearch(syncSamples, sample);
        if (pos >= 0) {
            return syncSamples[pos];
        }
        int insertion = -pos - 1;
        return insertion == 0 ? 0 : syncSamples[insertion - 1];
    }

    private void seekTo(int sample) throws IOException {
        try {
            if (!track.gotoFrame(sample)) {
                throw new BadInputException(file, "cannot seek to frame " + sample + " of the MP4 sample table");
            }
        } catch (RuntimeException e) {
            throw new BadInputException(file, "corrupt MP4 sample table (" + describe(e) + ")", e);
        }
        // A fresh decoder: reference pictures of another GOP must not leak into this one.
        decoder = singleThreaded(H264Decoder.createH264DecoderFromCodecPrivate(codecPrivate.duplicate()));
        nextSample = sample;
    }

    /**
     * JCodec's H264Decoder starts its own fixed pool of one thread per core for slice-parallel decoding
     * and never stops it: one pool per opened video would pile up idle threads by the thousand in a
     * dataset pass. We decode slices on the caller's thread (the loader parallelises across videos), so
     * the pool is shut down at once and the decoder switched to sequential mode.
     */
    static H264Decoder singleThreaded(H264Decoder decoder) {
        try {
            java.lang.reflect.Field threaded = H264Decoder.class.getDeclaredField("threaded");
            threaded.setAccessible(true);
            threaded.setBoolean(decoder, false);
            java.lang.reflect.Field pool = H264Decoder.class.getDeclaredField("tp");
            pool.setAccessible(true);
            Object executor = pool.get(decoder);
            if (executor instanceof java.util.concurrent.ExecutorService service) {
                service.shutdownNow();
            }
            pool.set(decoder, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("unexpected JCodec version: cannot stop H264Decoder's thread pool", e);
        }
        return decoder;
    }

    private Packet nextPacket(int sample) throws IOException {
        Packet packet;
        try {
            packet = ((DemuxerTrack) track).nextFrame();
        } catch (IOException | RuntimeException e) {
            nextSample = -1;
            throw new BadInputException(file, "cannot read frame " + sample + " (sample in decode order) of "
                    + info.frameCount() + ": " + describe(e) + "; the file may be truncated", e);
        }
        if (packet == null || packet.getData() == null || !packet.getData().hasRemaining()) {
            nextSample = -1;
            throw new BadInputException(file, "frame " + sample + " of " + info.frameCount()
                    + " is missing from the file (truncated?)");
        }
        return packet;
    }

    private Picture decode(Packet packet, int sample) throws IOException {
        if (pictureBuffer == null) {
            // JCodec wants room for the coded size of every plane; 4:4:4-sized planes cover any layout.
            int size = codedWidth * codedHeight;
            pictureBuffer = new byte[][]{new byte[size], new byte[size], new byte[size]};
        }
        Picture picture;
        H264Decoder current = decoder;
        byte[][] buffer = pictureBuffer;
        try {
            picture = watchdog.call(() -> current.decodeFrame(packet.getData(), buffer));
        } catch (java.util.concurrent.TimeoutException e) {
            nextSample = -1;
            pictureBuffer = null; // the stopped decoder may have been writing into it
            throw new BadInputException(file, "corrupt H.264 data in frame " + sample + " (decode order): "
                    + e.getMessage() + " (JCodec loops on some damaged streams)");
        } catch (java.io.InterruptedIOException e) {
            nextSample = -1;
            pictureBuffer = null;
            throw e;
        } catch (Exception | StackOverflowError e) {
            nextSample = -1;
            throw new BadInputException(file, "corrupt H.264 data in frame " + sample + " (decode order): "
                    + describe(e), e);
        }
        if (picture == null) {
            nextSample = -1;
            throw new BadInputException(file, "H.264 frame " + sample + " (decode order) could not be decoded");
        }
        return picture;
    }

    /** Copies JCodec's picture (samples stored as value-128 in signed bytes) into our own, cropped. */
    private Yuv420Frame toYuv(Picture picture) {
        int width = info.width();
        int height = info.height();
        int x0 = 0;
        int y0 = 0;
        if (picture.getCrop() != null) {
            x0 = picture.getCrop().getX();
            y0 = picture.getCrop().getY();
        }
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        byte[] y = copyPlane(picture.getPlaneData(0), picture.getPlaneWidth(0), x0, y0, width, height);
        byte[] u = copyPlane(picture.getPlaneData(1), picture.getPlaneWidth(1), x0 / 2, y0 / 2, cw, ch);
        byte[] v = copyPlane(picture.getPlaneData(2), picture.getPlaneWidth(2), x0 / 2, y0 / 2, cw, ch);
        return new Yuv420Frame(width, height, y, width, u, v, cw);
    }

    private static byte[] copyPlane(byte[] src, int stride, int x0, int y0, int w, int h) {
        byte[] dst = new byte[w * h];
        for (int row = 0; row < h; row++) {
            int s = (row + y0) * stride + x0;
            int d = row * w;
            for (int col = 0; col < w; col++) {
                dst[d + col] = (byte) (src[s + col] + 128);
            }
        }
        return dst;
    }

    /**
     * Whether any slice of this Annex-B access unit has nal_ref_idc != 0, i.e. later pictures may predict
     * from it. Pictures that nobody references can be skipped when they are not wanted.
     */
    static boolean isReference(ByteBuffer annexB) {
        ByteBuffer data = annexB.duplicate();
        int limit = data.limit();
        for (int i = data.position(); i + 3 < limit; i++) {
            if (data.get(i) == 0 && data.get(i + 1) == 0 && data.get(i + 2) == 1) {
                int header = data.get(i + 3) & 0xFF;
                int type = header & 0x1F;
                if ((type == 1 || type == 5) && (header & 0x60) != 0) {
                    return true;
                }
                if (type == 5) {
                    return true;
                }
                i += 3;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() throws IOException {
        watchdog.close();
        channel.close();
    }
}
