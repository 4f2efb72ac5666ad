package org.vificlip.video.avi;

import org.vificlip.BadInputException;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoInfo;
import org.vificlip.video.VideoReader;
import org.vificlip.video.Yuv420Frame;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * MPEG-4 Part 2 video (Xvid, DivX 4/5, FFmpeg's mpeg4) in an AVI file. Frame numbers and the frame count are
 * FFmpeg's (see {@link VopStream}). {@link #read} decodes only what the wanted frames need: for each run of
 * wanted frames it starts at the last key frame (I-VOP) before the first of them, with fresh references,
 * and decodes forward only until the last of them has come out.
 */
public final class AviVideoReader implements VideoReader {

    /** FourCCs of MPEG-4 Part 2 (ISO/IEC 14496-2) video, as FFmpeg's riff.c maps them; compared upper-case. */
    static final List<String> MPEG4_PART2_FOURCCS = List.of(
            "XVID", "DIVX", "DX50", "FMP4", "MP4V", "MP4S", "M4S2", "XVIX", "3IV2", "UMP4", "RMP4", "SMP4",
            "DXGM", "DM4V", "HDX4", "GEOV", "EPHV", "BLZ0", "WV1F", "SEDG");
    /** Microsoft's pre-standard MPEG-4 variants (DivX 3 is MS-MPEG4 v3): a different bitstream. */
    private static final Set<String> MS_MPEG4_FOURCCS = Set.of(
            "DIV3", "DIV4", "DIV5", "DIV6", "MP43", "MPG3", "DVX3", "AP41", "COL1", "MP42", "DIV2", "MP41", "MPG4");

    private final AviFile avi;
    private final VopStream stream;
    private final VopDecoder decoder;
    private final VideoInfo info;

    private AviVideoReader(AviFile avi, VopStream stream, VopDecoder decoder) {
        this.avi = avi;
        this.stream = stream;
        this.decoder = decoder;
        String codec = "mpeg4 " + (stream.profile == null ? "" : stream.profile + " ") + "(" + avi.fourCC().trim() + ")";
        this.info = new VideoInfo(avi.file(), stream.frameCount(), avi.width(), avi.height(), avi.fps(), codec);
    }

    /** Opens an AVI file whose video is MPEG-4 Part 2, decoded by decoders from {@code decoders}. */
    static AviVideoReader open(java.nio.file.Path file, Supplier<VopDecoder> decoders) throws IOException {
        AviFile avi = AviFile.open(file);
        try {
            checkFourCC(avi);
            VopStream stream = VopStream.build(avi);
            if (stream.frameCount() == 0) {
                throw new BadInputException(file, "the AVI video stream (FourCC '" + avi.fourCC().trim()
                        + "') holds no coded picture");
            }
            VopDecoder decoder = decoders.get();
            try {
                decoder.configure(stream.config);
            } catch (Exception e) {
                throw decodeError(avi, "stream headers: " + e.getMessage(), e);
            }
            return new AviVideoReader(avi, stream, decoder);
        } catch (IOException | RuntimeException e) {
            avi.close();
            throw e;
        }
    }

    static void checkFourCC(AviFile avi) throws BadInputException {
        String fourCC = avi.fourCC();
        String upper = fourCC.toUpperCase(Locale.ROOT);
        if (MPEG4_PART2_FOURCCS.contains(upper)) {
            return;
        }
        String supported = "MPEG-4 Part 2 (" + String.join(", ", MPEG4_PART2_FOURCCS) + ")";
        if (MS_MPEG4_FOURCCS.contains(upper)) {
            throw new BadInputException(avi.file(), "FourCC '" + fourCC + "' is Microsoft MPEG-4 ("
                    + (upper.equals("DIV3") || upper.equals("DIV4") || upper.equals("MP43") ? "DivX 3, " : "")
                    + "MS-MPEG4), which is not MPEG-4 Part 2 and is not supported; supported: " + supported
                    + " (re-encode, e.g. ffmpeg -i in.avi -c:v libxvid out.avi)");
        }
        throw new BadInputException(avi.file(), "FourCC '" + printable(fourCC) + "' is not supported in AVI files; supported: "
                + supported);
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public List<RgbFrame> read(int[] indices) throws IOException {
        int count = stream.frameCount();
        TreeSet<Integer> wanted = new TreeSet<>();
        for (int k : indices) {
            if (k < 0 || k >= count) {
                throw new IllegalArgumentException("frame " + k + " is outside [0, " + count + ") of " + avi.file());
            }
            wanted.add(k);
        }
        Map<Integer, RgbFrame> got = new HashMap<>();
        Session session = null;
        for (int k : wanted) {
            if (got.containsKey(k)) {
                continue;
            }
            int start = stream.seekStart(k);
            // Carry on from where we are unless a later key frame lets us skip ahead (or we are past k).
            if (session == null || session.ended || start > session.next || session.lastPresented >= k) {
                session = new Session(start);
            }
            session.runUntil(k, wanted.last(), wanted, got);
            if (!got.containsKey(k)) {
                throw new BadInputException(avi.file(), "frame " + k + " (chunk " + chunkOfFrame(k)
                        + "): the decoder gave no picture for it; FourCC " + avi.fourCC().trim());
            }
        }
        List<RgbFrame> frames = new ArrayList<>(indices.length);
        for (int k : indices) {
            frames.add(got.get(k));
        }
        return frames;
    }

    /**
     * Decodes every frame from the start and drops the pictures, returning how many came out: the decoding
     * cost without RGB conversion, for benchmarks next to {@code ffmpeg -f null}.
     */
    public int decodeAllWithoutConversion() throws IOException {
        Session session = new Session(0);
        int last = stream.frameCount() - 1;
        session.runUntil(last, last, Set.of(), new HashMap<>());
        return session.lastPresented + 1;
    }

    /** One run of decoding from a key frame with fresh references. */
    private final class Session {
        final VopStream.Simulator simulator = new VopStream.Simulator();
        /** Packets whose pictures the decoder owes us, in the order they will come out. */
        final ArrayDeque<Integer> owed = new ArrayDeque<>();
        int next;
        int lastPresented = -1;
        boolean ended;
        private int cachedChunk = -1;
        private byte[] cachedData;

        Session(int start) throws IOException {
            this.next = start;
            try {
                decoder.flush(); // whatever a previous run still held is not ours
            } catch (Exception ignored) {
                // a decoder in a failed state is reset below anyway
            }
            decoder.reset();
        }

        /** Feeds packets until frame {@code k} has come out; {@code last} is the last frame wanted in this read. */
        void runUntil(int k, int last, Set<Integer> wanted, Map<Integer, RgbFrame> got) throws IOException {
            int target = stream.presentation[k];
            while (!got.containsKey(k) && !ended) {
                if (next < stream.packets.size() && !(next > target && k == last)) {
                    int index = next++;
                    VopStream.Packet packet = stream.packets.get(index);
                    if (simulator.step(packet, index, owed::add)) {
                        List<Yuv420Frame> pictures;
                        try {
                            pictures = decoder.decode(bytes(packet));
                        } catch (Exception e) {
                            throw decodeError(avi, "frame " + Math.max(0, stream.presentationOf[index]) + " (chunk "
                                    + packet.chunk() + "): " + e.getMessage(), e);
                        }
                        if (packet.type() == 'B' && pictures.isEmpty() && !owed.isEmpty() && owed.peekLast() == index) {
                            // The decoder skipped this B-VOP (FFmpeg skips B-VOPs whose time stamps are out of
                            // order): its picture is not coming, and must not lend its number to the next one.
                            owed.removeLast();
                        }
                        take(pictures, wanted, got, packet);
                    }
                } else {
                    // End of the stream, or the last wanted frame is an anchor the decoder still holds:
                    // flushing hands it over without decoding the next anchor.
                    simulator.finish(owed::add);
                    List<Yuv420Frame> pictures;
                    try {
                        pictures = decoder.flush();
                    } catch (Exception e) {
                        throw decodeError(avi, "end of stream: " + e.getMessage(), e);
                    }
                    take(pictures, wanted, got, null);
                    ended = true;
                    if (!owed.isEmpty()) {
                        throw new BadInputException(avi.file(), "the decoder gave " + owed.size()
                                + " picture(s) fewer than the stream holds; FourCC " + avi.fourCC().trim());
                    }
                }
            }
        }

        private void take(List<Yuv420Frame> pictures, Set<Integer> wanted, Map<Integer, RgbFrame> got,
                          VopStream.Packet fed) throws BadInputException {
            for (Yuv420Frame picture : pictures) {
                Integer packet = owed.poll();
                if (packet == null) {
                    throw new BadInputException(avi.file(), "the decoder gave more pictures than the stream holds"
                            + (fed == null ? "" : " (at chunk " + fed.chunk() + ")") + "; FourCC " + avi.fourCC().trim());
                }
                int k = stream.presentationOf[packet];
                lastPresented = k;
                if (wanted.contains(k) && !got.containsKey(k)) {
                    got.put(k, picture.toRgb());
                }
            }
        }

        private byte[] bytes(VopStream.Packet packet) throws IOException {
            if (packet.chunk() != cachedChunk) {
                cachedData = avi.read(avi.chunks().get(packet.chunk()));
                cachedChunk = packet.chunk();
            }
            if (packet.start() == 0 && packet.length() == cachedData.length) {
                return cachedData;
            }
            return Arrays.copyOfRange(cachedData, packet.start(), packet.start() + packet.length());
        }
    }

    private static BadInputException decodeError(AviFile avi, String problem, Exception cause) {
        return new BadInputException(avi.file(), problem + "; FourCC " + avi.fourCC().trim(), cause);
    }

    private static String printable(String fourCC) {
        StringBuilder s = new StringBuilder();
        for (char c : fourCC.toCharArray()) {
            s.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.toString();
    }

    /** The AVI chunk (index into the stream's chunk list) that holds frame {@code k}'s VOP. */
    int chunkOfFrame(int k) {
        return stream.packets.get(stream.presentation[k]).chunk();
    }

    @Override
    public void close() throws IOException {
        avi.close();
    }
}
