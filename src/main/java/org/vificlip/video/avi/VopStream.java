package org.vificlip.video.avi;

import org.vificlip.video.mpeg4.Mpeg4Decoder;
import org.vificlip.video.mpeg4.Mpeg4Exception;
import org.vificlip.video.mpeg4.VopSummary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * An AVI's MPEG-4 Part 2 stream as FFmpeg's decoder receives it, and which picture comes out when.
 *
 * <p><b>Packets.</b> AVI has no timestamps, so encoders that reorder (B-VOPs) keep one chunk per frame
 * time by "packing": the chunk of an anchor (I/P) also carries the B-VOP that follows it in decode order,
 * and a tiny N-VOP placeholder chunk stands in for the frame slot that B-VOP left empty (Xvid and DivX 5
 * both do this). FFmpeg undoes it with its {@code mpeg4_unpack_bframes} filter: the second VOP of a chunk
 * is held back and sent in place of the next single-VOP chunk (which is itself held back, unless it is a
 * placeholder of at most 19 bytes, which is dropped), and a VOP still held at the end of the file is lost.
 * {@link #build} does exactly this, so our frame count and frame numbers are FFmpeg's.
 *
 * <p><b>Pictures.</b> {@link Simulator} says which packets a decoder is fed when it starts at a given packet
 * with no references, and which packet's picture each output is: anchors come out when the next anchor is
 * decoded (or at the end), B-VOPs at once; a B-VOP that arrives before two anchors have been decoded since
 * the start cannot be decoded and is not fed (FFmpeg skips it too); N-VOPs give no picture.
 */
final class VopStream {

    /**
     * One VOP as the decoder receives it: bytes {@code [start, start+length)} of chunk {@code chunk}
     * (index into {@link AviFile#chunks()}), with its coding type and whether it is coded.
     */
    record Packet(int chunk, int start, int length, char type, boolean coded) {
        boolean isKey() {
            return type == 'I' && coded;
        }
    }

    /** FFmpeg's {@code MAX_NVOP_SIZE}: a lone chunk this small after a packed chunk is a placeholder. */
    private static final int MAX_NVOP_SIZE = 19;

    final List<Packet> packets;
    /** Presentation index to packet index. */
    final int[] presentation;
    /** Packet index to presentation index, -1 for packets that give no picture. */
    final int[] presentationOf;
    /** Stream headers (VOS/VO/VOL) for the decoder's configure(), from the AVI extradata or the first chunk. */
    final byte[] config;
    /** "Simple Profile", "Advanced Simple Profile", or null when the VOS header does not say. */
    final String profile;

    private VopStream(List<Packet> packets, byte[] config, String profile) {
        this.packets = packets;
        this.config = config;
        this.profile = profile;
        this.presentationOf = new int[packets.size()];
        Arrays.fill(presentationOf, -1);
        List<Integer> order = new ArrayList<>();
        Simulator all = new Simulator();
        for (int i = 0; i < packets.size(); i++) {
            all.step(packets.get(i), i, order::add);
        }
        all.finish(order::add);
        presentation = order.stream().mapToInt(Integer::intValue).toArray();
        for (int k = 0; k < presentation.length; k++) {
            presentationOf[presentation[k]] = k;
        }
    }

    /** Reads every chunk's VOP headers (not the pictures) and lays out the packets as FFmpeg would. */
    static VopStream build(AviFile avi) throws IOException {
        // Used only to read VOP headers (type, vop_coded) with the stream's VOL, never to decode.
        Mpeg4Decoder headers = new Mpeg4Decoder();
        byte[] extradata = avi.extradata();
        byte[] config = null;
        String profile = VopHeaders.profile(extradata);
        if (VopHeaders.findVol(extradata) >= 0) {
            config = extradata;
            learnVol(headers, extradata);
        }

        List<Packet> packets = new ArrayList<>();
        List<AviFile.Chunk> chunks = avi.chunks();
        Packet held = null; // the packed B-VOP of an earlier chunk, waiting for its frame slot
        for (int c = 0; c < chunks.size(); c++) {
            if (chunks.get(c).size() == 0) {
                continue; // empty chunks are no packets at all (FFmpeg's demuxer drops them)
            }
            byte[] data = avi.read(chunks.get(c));
            int first = VopHeaders.findStartCode(data, 0, VopHeaders.VOP_START);
            int vol = VopHeaders.findVol(data);
            if (vol >= 0 && (first < 0 || vol < first)) {
                byte[] streamHeaders = Arrays.copyOf(data, first < 0 ? data.length : first);
                learnVol(headers, streamHeaders); // a VOL may be repeated (or changed) at key frames
                if (config == null) {
                    config = streamHeaders;
                }
                if (profile == null) {
                    profile = VopHeaders.profile(data);
                }
            }
            int second = first < 0 ? -1 : VopHeaders.findStartCode(data, first + 4, VopHeaders.VOP_START);
            if (second >= 0) {
                held = packet(c, data, second, data.length, headers); // (an earlier held one is lost, as in FFmpeg)
                packets.add(packet(c, data, 0, second, headers));
            } else if (first >= 0 && held != null) {
                packets.add(held);
                held = data.length <= MAX_NVOP_SIZE ? null : packet(c, data, 0, data.length, headers);
            } else {
                packets.add(packet(c, data, 0, data.length, headers));
            }
        }
        return new VopStream(packets, config == null ? new byte[0] : config, profile);
    }

    /** Lets the header reader know the VOL (for vop_coded); a VOL it cannot take is reported when decoding. */
    private static void learnVol(Mpeg4Decoder headers, byte[] streamHeaders) {
        try {
            headers.configure(streamHeaders);
        } catch (Mpeg4Exception | RuntimeException e) {
            // the reader's own decoder.configure() fails on the same headers, with the file named
        }
    }

    private static Packet packet(int chunk, byte[] data, int start, int end, Mpeg4Decoder headers) {
        byte[] slice = start == 0 && end == data.length ? data : Arrays.copyOfRange(data, start, end);
        List<VopSummary> vops = headers.scanChunk(slice);
        if (vops.isEmpty()) {
            return new Packet(chunk, start, end - start, '?', false); // headers only: no picture
        }
        VopSummary vop = vops.get(0);
        // a VOP whose header cannot be read is still fed: the decoder reports (or conceals) what is wrong
        return new Packet(chunk, start, end - start, vop.type() == '?' ? 'P' : vop.type(),
                vop.type() == '?' || vop.coded());
    }

    int frameCount() {
        return presentation.length;
    }

    /**
     * The packet to start decoding at (with no references) to get presentation frame {@code k}: the last
     * key packet before it whose decoding from scratch does produce it, else the first packet.
     */
    int seekStart(int k) {
        int target = presentation[k];
        for (int s = target; s > 0; s--) {
            Packet p = packets.get(s);
            if (p.isKey() && presentationOf[s] <= k && produces(s, target)) {
                return s;
            }
        }
        return 0;
    }

    /** Whether decoding from packet {@code start} with no references gives the picture of packet {@code target}. */
    private boolean produces(int start, int target) {
        Simulator sim = new Simulator();
        boolean[] found = {false};
        IntConsumer out = id -> found[0] |= id == target;
        for (int i = start; i < packets.size() && !found[0]; i++) {
            sim.step(packets.get(i), i, out);
        }
        if (!found[0]) {
            sim.finish(out);
        }
        return found[0];
    }

    /** The decoder's output rule, replayed on packet types only (see the class comment). */
    static final class Simulator {
        private int anchors;
        private int heldAnchor = -1;

        /** Whether packet {@code index} is to be fed; the packets whose pictures its decoding releases go to {@code out}. */
        boolean step(Packet p, int index, IntConsumer out) {
            if (p.type() == '?') {
                return false;
            }
            if (!p.coded()) {
                return true; // no picture, but its header still moves the decoder's clock
            }
            if (p.type() == 'B') {
                if (anchors < 2) {
                    return false;
                }
                out.accept(index);
                return true;
            }
            if (heldAnchor >= 0) {
                out.accept(heldAnchor);
            }
            heldAnchor = index;
            anchors++;
            return true;
        }

        /** End of the data (or an early flush): the held anchor comes out. */
        void finish(IntConsumer out) {
            if (heldAnchor >= 0) {
                out.accept(heldAnchor);
                heldAnchor = -1;
            }
        }
    }
}
