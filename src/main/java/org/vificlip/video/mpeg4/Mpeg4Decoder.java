package org.vificlip.video.mpeg4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vificlip.video.Yuv420Frame;

/**
 * Decodes one MPEG-4 Part 2 elementary stream (ISO/IEC 14496-2, Simple and Advanced Simple Profile as
 * Xvid and DivX write them), fed one container chunk at a time. Not thread-safe.
 *
 * <p>Pictures come out in presentation order: an I- or P-VOP is held back until the next I/P-VOP (or
 * {@link #flush}) because B-VOPs decoded after it are shown before it.
 */
public final class Mpeg4Decoder {
    private static final int VOP_I = 0;
    private static final int VOP_P = 1;
    private static final int VOP_B = 2;
    private static final int VOP_S = 3;
    private static final char[] VOP_LETTER = {'I', 'P', 'B', 'S'};

    /** Macroblock modes kept with a picture: B-VOPs need the co-located mode and vectors. */
    static final byte MB_INTRA = 0;
    static final byte MB_INTER = 1;
    static final byte MB_INTER4V = 2;
    static final byte MB_SKIPPED = 3;

    private static final boolean DEBUG = Boolean.getBoolean("mpeg4.debug");

    private VideoObjectLayer vol;
    /** Why the last VOL header was rejected; its VOPs fail with the same message. */
    private String volProblem;
    private int mbWidth;
    private int mbHeight;
    private int mbCount;
    private boolean packedBitstream;
    private int divxVersion = -1;
    private int divxBuild = -1;
    private int xvidBuild = -1;
    private boolean bugQpelChroma;
    private boolean bugQpelChroma2;
    private boolean bugEdge;
    private boolean bugDcClip;
    /** Packed bitstream: the second VOP of the previous chunk, decoded with the next chunk (as FFmpeg does). */
    private byte[] deferred;

    // Reference pictures: `backward` is the most recent I/P-VOP, `forward` the one before it.
    private Picture forward;
    private Picture backward;
    private Picture held;

    // Time stamps (in vop_time_increment_resolution ticks) for the direct-mode TRB/TRD.
    private long timeBase;
    private long lastTimeBase;
    private long lastNonBTime;
    private int ppTime;
    private int pbTime;

    // Current VOP.
    private int vopType;
    private int quant;
    private int fcodeForward;
    private int fcodeBackward;
    private int rounding;
    private int intraDcThreshold;
    private int vopIndex;
    private Picture cur;
    private BitReader br;

    // Per-macroblock state of the current VOP.
    private int[] mbPacket;
    private boolean[] mbIntra;
    private int[] mbQuant;
    private int packet;
    private int packetCounter;

    // Intra DC/AC prediction store: reconstructed DC and quantised first row (1..7) / column (9..15) per block.
    private int[] dcLuma;
    private int[] acLuma;
    private int[][] dcChroma;
    private int[][] acChroma;

    // B-VOP motion vector predictors (forward x,y, backward x,y).
    private final int[] bPred = new int[4];

    private boolean concealErrors;
    private final List<String> concealedErrors = new ArrayList<>();
    /** The first macroblock of the current VOP not yet completely decoded. */
    private int failedMb;

    private final int[] qf = new int[64];
    private final int[] coef = new int[64];
    private final int[] pred = new int[384];
    private final int[] pred2 = new int[384];
    private final int[] mvx = new int[4];
    private final int[] mvy = new int[4];
    private final int[] mvx2 = new int[4];
    private final int[] mvy2 = new int[4];
    private final Idct idct = new Idct();
    private final MotionCompensation mc = new MotionCompensation();

    public Mpeg4Decoder() {
    }

    /**
     * Decoder-specific info (VOS/VO/VOL headers) from the container, e.g. AVI strf extradata. Only the
     * headers before the first VOP are read; a VOP in the data is ignored.
     */
    public void configure(byte[] extradata) throws Mpeg4Exception {
        if (extradata == null || extradata.length == 0) {
            return;
        }
        try {
            walk(extradata, new ArrayList<>(), 0);
        } catch (RuntimeException e) {
            throw new Mpeg4Exception("corrupt MPEG-4 decoder configuration (" + e + ")", e);
        }
    }

    /**
     * Feeds one chunk: VOL headers and 0, 1 or 2 VOPs. Returns the pictures that became ready, in
     * presentation order. Non-coded VOPs (N-VOPs, placeholder chunks) produce no picture; neither does a
     * B-VOP without two reference pictures (after a seek into an open GOP), as in FFmpeg.
     *
     * <p>In a DivX "packed bitstream" (user data "DivX...p", written by DivX 5 and Xvid with B-frames) the
     * second VOP of a chunk is decoded with the next chunk, in place of that chunk's own VOP if it is a
     * lone I/B-VOP, exactly as FFmpeg does, so frame counts and numbers equal FFmpeg's (which never decodes
     * the VOP still pending at the end of the stream). Chunks holding a single VOP each are decoded at once.
     */
    public List<Yuv420Frame> decode(byte[] chunk) throws Mpeg4Exception {
        List<Yuv420Frame> out = new ArrayList<>(2);
        if (chunk == null || chunk.length == 0) {
            return out; // zero-length AVI chunks are dropped frames / placeholders
        }
        try {
            decodeChunk(chunk, out);
        } catch (RuntimeException e) {
            throw new Mpeg4Exception("corrupt MPEG-4 data (" + e + ")", e);
        }
        return out;
    }

    private void decodeChunk(byte[] chunk, List<Yuv420Frame> out) throws Mpeg4Exception {
        if (!packedBitstream) {
            walk(chunk, out, Integer.MAX_VALUE);
            return;
        }
        // DivX "packed bitstream": FFmpeg (the reference) decodes one VOP per chunk and defers a second I/B-VOP
        // of a chunk to the next call, decoding it in place of that chunk. We do the same so that frame counts
        // and frame indices match the reference, including the B-VOP still deferred when the stream ends.
        if (deferred != null) {
            int first = nextStartCode(chunk, 0);
            if (first >= 0 && (chunk[first + 3] & 0xFF) == 0xB0) {
                deferred = null; // a new visual object sequence: the deferred VOP is dropped
            }
        }
        if (deferred != null) {
            byte[] d = deferred;
            deferred = null;
            walk(d, out, 1);
            deferred = chunk.length > 7 ? deferrableVop(chunk, 0) : null;
        } else {
            int after = walk(chunk, out, 1);
            if (after >= 0 && chunk.length - after > 7) {
                deferred = deferrableVop(chunk, after);
            }
        }
    }

    /** The first VOP at or after `from` if it is an I- or B-VOP (what FFmpeg defers), else null. */
    private static byte[] deferrableVop(byte[] chunk, int from) {
        for (int i = from; i + 4 < chunk.length; i++) {
            if (chunk[i] == 0 && chunk[i + 1] == 0 && chunk[i + 2] == 1 && (chunk[i + 3] & 0xFF) == 0xB6) {
                return (chunk[i + 4] & 0x40) == 0 ? Arrays.copyOfRange(chunk, i, chunk.length) : null;
            }
        }
        return null;
    }

    /** End of stream (or before a seek): the held-back picture, if any. */
    public List<Yuv420Frame> flush() {
        List<Yuv420Frame> out = new ArrayList<>(1);
        if (held != null) {
            out.add(held.frame(vol.width, vol.height));
            held = null;
        }
        return out;
    }

    /**
     * With concealment on, a damaged VOP no longer throws: the macroblocks from the damage on are copied
     * from the reference picture (as FFmpeg's error concealment roughly does) and the picture is output;
     * {@link #concealedErrors()} lists what was concealed. Off by default.
     */
    public void setConcealErrors(boolean conceal) {
        this.concealErrors = conceal;
    }

    /** The problems concealed so far (see {@link #setConcealErrors}). */
    public List<String> concealedErrors() {
        return concealedErrors;
    }

    /** Forgets reference pictures (before decoding again from a key frame); the VOL stays. */
    public void reset() {
        deferred = null;
        forward = null;
        backward = null;
        held = null;
    }

    public int width() {
        return vol == null ? -1 : vol.width;
    }

    public int height() {
        return vol == null ? -1 : vol.height;
    }

    /** Cheap scan without decoding: the VOPs of a chunk with their type and vop_coded flag. */
    public static List<VopSummary> scan(byte[] chunk) {
        return scanVops(chunk, -1);
    }

    /** Like {@link #scan} but uses this decoder's VOL (if seen) to read vop_coded exactly. */
    public List<VopSummary> scanChunk(byte[] chunk) {
        return scanVops(chunk, vol == null ? -1 : vol.timeIncrementBits);
    }

    private static List<VopSummary> scanVops(byte[] chunk, int knownBits) {
        List<VopSummary> vops = new ArrayList<>(2);
        if (chunk == null) {
            return vops;
        }
        int timeBits = knownBits;
        int p = nextStartCode(chunk, 0);
        while (p >= 0) {
            int code = chunk[p + 3] & 0xFF;
            int next = nextStartCode(chunk, p + 4);
            int end = next < 0 ? chunk.length : next;
            try {
                if (code >= 0x20 && code <= 0x2F) {
                    timeBits = VideoObjectLayer.parse(new BitReader(chunk, p + 4, end)).timeIncrementBits;
                } else if (code == 0xB6) {
                    vops.add(summarize(chunk, p + 4, end, timeBits));
                }
            } catch (Mpeg4Exception | RuntimeException e) {
                if (code == 0xB6) {
                    vops.add(new VopSummary('?', false));
                }
            }
            p = next;
        }
        return vops;
    }

    private static VopSummary summarize(byte[] chunk, int start, int end, int timeBits) throws Mpeg4Exception {
        BitReader br = new BitReader(chunk, start, end);
        char type = VOP_LETTER[br.read(2)];
        while (br.readBit()) {
            // modulo_time_base
        }
        br.marker("VOP header");
        int afterMarker = br.position();
        if (timeBits > 0) {
            br.skip(timeBits);
            br.marker("VOP header");
            return new VopSummary(type, br.readBit());
        }
        // Unknown vop_time_increment length: a non-coded VOP is the header, vop_coded=0 and stuffing only.
        for (int bits = 1; bits <= 16; bits++) {
            br.seek(afterMarker);
            if (br.bitsLeft() < bits + 2) {
                break;
            }
            br.skip(bits);
            if (br.read(1) == 1 && br.read(1) == 0 && isStuffingToEnd(br)) {
                return new VopSummary(type, false);
            }
        }
        return new VopSummary(type, true);
    }

    /** True when only next_start_code stuffing (a 0 then 1s up to the byte boundary, maybe 0x7F bytes) remains. */
    private static boolean isStuffingToEnd(BitReader br) throws Mpeg4Exception {
        int left = br.bitsLeft();
        if (left == 0 || left > 16) {
            return left == 0;
        }
        int n = 8 - (br.position() & 7);
        if (br.read(n) != (1 << (n - 1)) - 1) {
            return false;
        }
        left = br.bitsLeft();
        return left == 0 || (left == 8 && br.read(8) == 0x7F);
    }

    private static int nextStartCode(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    /** Walks the start codes of one chunk, decoding at most maxVops VOPs; returns where walking stopped (-1: end). */
    private int walk(byte[] data, List<Yuv420Frame> out, int maxVops) throws Mpeg4Exception {
        int p = nextStartCode(data, 0);
        int vops = 0;
        if (p < 0) {
            if (isNonCodedPlaceholder(data)) {
                return -1;
            }
            throw new Mpeg4Exception("no MPEG-4 start code in a " + data.length + "-byte chunk");
        }
        while (p >= 0) {
            int code = data[p + 3] & 0xFF;
            int next = nextStartCode(data, p + 4);
            int end = next < 0 ? data.length : next;
            BitReader bits = new BitReader(data, p + 4, end);
            if (code >= 0x20 && code <= 0x2F) {
                try {
                    setVol(VideoObjectLayer.parse(bits));
                    volProblem = null;
                } catch (Mpeg4Exception e) {
                    volProblem = e.getMessage();
                    throw e;
                }
            } else if (code == 0xB2) {
                userData(data, p + 4, end);
            } else if (code == 0xB3) {
                groupOfVop(bits);
            } else if (code == 0xB6) {
                if (volProblem != null) {
                    throw new Mpeg4Exception(volProblem);
                }
                if (vol == null) {
                    throw new Mpeg4Exception("VOP before any VOL header (missing decoder configuration?)");
                }
                if (vops == maxVops) {
                    return p;
                }
                decodeVop(bits, out);
                vops++;
            }
            // Other start codes (VOS B0, VO 00-1F and B5, end of sequence B1, reserved) carry nothing we need.
            p = next;
        }
        return -1;
    }

    /** DivX writes a chunk of a few stuffing bytes (e.g. 0x7F) where a B-frame was packed earlier. */
    private static boolean isNonCodedPlaceholder(byte[] data) {
        return data.length <= 8;
    }

    private void setVol(VideoObjectLayer v) {
        boolean sizeChanged = vol == null || v.width != vol.width || v.height != vol.height;
        vol = v;
        if (sizeChanged) {
            mbWidth = (v.width + 15) >> 4;
            mbHeight = (v.height + 15) >> 4;
            mbCount = mbWidth * mbHeight;
            mbPacket = new int[mbCount];
            mbIntra = new boolean[mbCount];
            mbQuant = new int[mbCount];
            dcLuma = new int[4 * mbCount];
            acLuma = new int[4 * mbCount * 16];
            dcChroma = new int[][] {new int[mbCount], new int[mbCount]};
            acChroma = new int[][] {new int[mbCount * 16], new int[mbCount * 16]};
            reset();
        }
    }

    /**
     * User data names the encoder: DivX ("DivX503b1393p", 'p' = packed bitstream) and Xvid ("XviD0050").
     * FFmpeg, our reference, works around known bugs of old encoder builds; we follow it.
     */
    private void userData(byte[] data, int start, int end) {
        String text = new String(data, start, Math.min(end - start, 64), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher divx = DIVX_USER_DATA.matcher(text);
        if (divx.lookingAt()) {
            divxVersion = parseSmall(divx.group(1));
            divxBuild = parseSmall(divx.group(2));
            packedBitstream = "p".equals(divx.group(3));
        }
        java.util.regex.Matcher xvid = XVID_USER_DATA.matcher(text);
        if (xvid.lookingAt()) {
            xvidBuild = parseSmall(xvid.group(1));
        }
    }

    private static int parseSmall(String digits) {
        return digits.length() > 6 ? 999999 : Integer.parseInt(digits);
    }

    private static final java.util.regex.Pattern DIVX_USER_DATA =
            java.util.regex.Pattern.compile("DivX(\\d+)(?:Build|b)(\\d+)(p?)");
    private static final java.util.regex.Pattern XVID_USER_DATA = java.util.regex.Pattern.compile("XviD(\\d+)");

    /** FFmpeg's FF_BUG_* auto-detection (ff_mpeg4_workaround_bugs) for the encoders we meet. */
    private void updateWorkarounds() {
        boolean xvid = xvidBuild >= 0;
        int divx = xvid ? -1 : divxVersion; // an Xvid stream with a DivX packed marker is Xvid
        int build = xvid ? -1 : divxBuild;
        bugQpelChroma2 = divx > 502 && build < 1814;
        bugQpelChroma = (divx >= 500 && build < 1814) || (xvid && xvidBuild <= 1);
        bugEdge = xvid && xvidBuild <= 12;
        bugDcClip = xvid && xvidBuild <= 32;
    }

    private void groupOfVop(BitReader bits) throws Mpeg4Exception {
        int hours = bits.read(5);
        int minutes = bits.read(6);
        bits.marker("GOV header");
        int seconds = bits.read(6);
        timeBase = seconds + 60L * (minutes + 60L * hours);
    }

    // ------------------------------------------------------------------------------------------------
    // VOP header and macroblock loop

    private void decodeVop(BitReader bits, List<Yuv420Frame> out) throws Mpeg4Exception {
        br = bits;
        vopIndex++;
        int type = br.read(2);
        int moduloTimeBase = 0;
        while (br.readBit()) {
            moduloTimeBase++;
        }
        br.marker("VOP header");
        if ((br.peek(vol.timeIncrementBits + 1) & 1) == 0) {
            guessTimeIncrementBits(type);
        }
        int increment = br.read(vol.timeIncrementBits);
        br.marker("VOP header");
        boolean coded = br.readBit();
        long res = vol.timeIncrementResolution;
        if (type != VOP_B) {
            lastTimeBase = timeBase;
            timeBase += moduloTimeBase;
            long time = timeBase * res + increment;
            ppTime = (int) (time - lastNonBTime);
            lastNonBTime = time;
        } else {
            long time = (lastTimeBase + moduloTimeBase) * res + increment;
            pbTime = (int) (ppTime - (lastNonBTime - time));
        }
        if (!coded) {
            return;
        }
        if (type == VOP_S) {
            throw new Mpeg4Exception(vol.spriteEnable == 2
                    ? "GMC sprite VOPs (sprite_enable=2) are not supported (S-VOP " + vopIndex + ")"
                    : "S-VOP " + vopIndex + " in a VOL without sprites");
        }
        vopType = type;
        updateWorkarounds();
        rounding = type == VOP_P ? br.read(1) : 0;
        intraDcThreshold = Mpeg4Tables.INTRA_DC_THRESHOLD[br.read(3)];
        quant = br.read(5);
        if (quant == 0) {
            throw new Mpeg4Exception("VOP " + vopIndex + " has quantiser 0");
        }
        if (type != VOP_I) {
            fcodeForward = br.read(3);
            if (fcodeForward == 0) {
                throw new Mpeg4Exception("VOP " + vopIndex + " has vop_fcode_forward 0");
            }
        }
        if (type == VOP_B) {
            fcodeBackward = br.read(3);
            if (fcodeBackward == 0) {
                throw new Mpeg4Exception("VOP " + vopIndex + " has vop_fcode_backward 0");
            }
            if (forward == null || backward == null) {
                return; // B-VOP without both references (stream starts or resumes at an open GOP)
            }
            if (ppTime <= pbTime || pbTime <= 0 || ppTime <= 0) {
                return; // time stamps out of order: FFmpeg drops such B-VOPs too
            }
        } else if (type == VOP_P && backward == null) {
            // P-VOP without a reference (stream starts without a key frame): FFmpeg predicts from a gray
            // picture and shows the result; so do we, to keep frame numbers equal.
            backward = Picture.gray(mbWidth, mbHeight);
        }
        if (DEBUG) {
            System.err.printf("VOP %d %c q=%d fF=%d fB=%d rnd=%d dcthr=%d pp=%d pb=%d%n", vopIndex, VOP_LETTER[type],
                    quant, fcodeForward, fcodeBackward, rounding, intraDcThreshold, ppTime, pbTime);
        }
        cur = new Picture(mbWidth, mbHeight);
        try {
            decodeMacroblocks();
        } catch (Mpeg4Exception | RuntimeException e) {
            String problem = e instanceof Mpeg4Exception ? e.getMessage() + " in " + VOP_LETTER[type] + "-VOP " + vopIndex
                    : "corrupt " + VOP_LETTER[type] + "-VOP " + vopIndex + " (" + e + ")";
            if (!concealErrors) {
                throw new Mpeg4Exception(problem, e);
            }
            // Like FFmpeg: keep what was decoded, fill the rest from the reference, show the picture.
            concealedErrors.add(problem);
            for (int mb = failedMb; mb < mbCount; mb++) {
                conceal(mb);
            }
        }
        if (type == VOP_B) {
            out.add(cur.frame(vol.width, vol.height));
        } else {
            if (held != null) {
                out.add(held.frame(vol.width, vol.height));
            }
            held = cur;
            forward = backward;
            backward = cur;
        }
        cur = null;
    }

    private void decodeMacroblocks() throws Mpeg4Exception {
        packet = ++packetCounter;
        failedMb = 0;
        Arrays.fill(bPred, 0);
        int mb = 0;
        while (mb < mbCount) {
            if (!vol.resyncMarkerDisabled && mb > 0 && atResyncMarker()) {
                // A B-macroblock whose co-located one was skipped takes no bits, so the marker of a packet
                // starting later is already in the stream: decode such macroblocks first (as FFmpeg does).
                boolean skipsAhead = vopType == VOP_B && backward.mode[mb] == MB_SKIPPED && packetStart() > mb;
                if (!skipsAhead) {
                    int next = videoPacketHeader(mb);
                    for (; mb < next; mb++) {
                        conceal(mb);
                    }
                }
            }
            failedMb = mb; // from here on nothing is decoded yet, should this macroblock fail
            int mbx = mb % mbWidth;
            int mby = mb / mbWidth;
            if (mbx == 0) {
                Arrays.fill(bPred, 0);
            }
            mbPacket[mb] = packet;
            try {
                switch (vopType) {
                    case VOP_I -> intraMacroblock(mb, mbx, mby, Mpeg4Tables.MCBPC_INTRA.decode(br), true);
                    case VOP_P -> pMacroblock(mb, mbx, mby);
                    default -> bMacroblock(mb, mbx, mby);
                }
            } catch (Mpeg4Exception | RuntimeException e) {
                throw new Mpeg4Exception("corrupt macroblock at (" + mbx + "," + mby + "): " + e.getMessage(), e);
            }
            mb++;
        }
    }

    /** A macroblock a video packet skipped over (damaged stream): copied from the reference, if any. */
    private void conceal(int mb) {
        int mbx = mb % mbWidth;
        int mby = mb / mbWidth;
        mbPacket[mb] = -1;
        mbIntra[mb] = false;
        cur.setMode(mb, MB_INTER);
        cur.setVectors(mbx, mby, 0, 0);
        Picture ref = vopType == VOP_B ? forward : backward;
        if (ref == null) {
            Arrays.fill(pred, 128);
        } else {
            Arrays.fill(mvx, 0);
            Arrays.fill(mvy, 0);
            predict(ref, mbx, mby, mvx, mvy, false, 0, pred);
        }
        cur.putMacroblock(mbx, mby, pred);
    }

    /**
     * The marker after vop_time_increment is missing: the VOL's length for it is wrong (or the VOL is not
     * this stream's). Like FFmpeg, find the length after which the next header bits look right: marker,
     * vop_coded=1, (rounding_type,) intra_dc_vlc_thr=0.
     */
    private void guessTimeIncrementBits(int type) {
        for (int bits = 1; bits < 16; bits++) {
            boolean fits = type == VOP_P
                    ? (br.peek(bits + 6) & 0x37) == 0x30
                    : (br.peek(bits + 5) & 0x1F) == 0x18;
            if (fits) {
                vol.timeIncrementBits = bits;
                return;
            }
        }
    }

    private int resyncZeros() {
        return switch (vopType) {
            case VOP_I -> 16;
            case VOP_B -> Math.max(Math.max(fcodeForward, fcodeBackward), 2) + 15;
            default -> fcodeForward + 15;
        };
    }

    /** Byte-alignment stuffing (0 then 1s) followed by resync_marker (zeros then a 1)? */
    private boolean atResyncMarker() {
        int n = 8 - (br.position() & 7);
        int zeros = resyncZeros();
        if (br.bitsLeft() < n + zeros + 1) {
            return false;
        }
        int total = n + zeros + 1;
        int expect = (((1 << (n - 1)) - 1) << (zeros + 1)) | 1;
        return br.peek(total) == expect;
    }

    private int macroblockNumberBits() {
        return mbCount <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(mbCount - 1);
    }

    /** The macroblock_number of the video packet header at the current position (after atResyncMarker). */
    private int packetStart() {
        int saved = br.position();
        try {
            br.skip(8 - (br.position() & 7) + resyncZeros() + 1);
            return br.read(macroblockNumberBits());
        } catch (Mpeg4Exception e) {
            return -1;
        } finally {
            br.seek(saved);
        }
    }

    private int videoPacketHeader(int currentMb) throws Mpeg4Exception {
        br.skip(8 - (br.position() & 7) + resyncZeros() + 1);
        int mb = br.read(macroblockNumberBits());
        if (mb < currentMb || mb >= mbCount) {
            throw new Mpeg4Exception("video packet header with macroblock number " + mb + " (expected "
                    + currentMb + ".." + (mbCount - 1) + ")");
        }
        quant = br.read(5);
        if (quant == 0) {
            throw new Mpeg4Exception("video packet with quantiser 0");
        }
        if (br.readBit()) { // header_extension_code: repeats VOP header fields we already have
            while (br.readBit()) {
                // modulo_time_base
            }
            br.marker("video packet header");
            br.skip(vol.timeIncrementBits);
            br.marker("video packet header");
            br.skip(2 + 3); // vop_coding_type, intra_dc_vlc_thr
            if (vopType != VOP_I) {
                br.skip(3);
            }
            if (vopType == VOP_B) {
                br.skip(3);
            }
        }
        packet = ++packetCounter;
        Arrays.fill(bPred, 0);
        return mb;
    }

    private void updateQuant(int delta) {
        quant = Math.min(31, Math.max(1, quant + delta));
    }

    private static final int[] DQUANT = {-1, -2, 1, 2};

    // ------------------------------------------------------------------------------------------------
    // Intra macroblocks

    /** mcbpc: symbol of the intra (I-VOP) or inter (P-VOP, mb_type 1/3) table. */
    private void intraMacroblock(int mb, int mbx, int mby, int mcbpc, boolean iVop) throws Mpeg4Exception {
        int cbpc;
        boolean dquant;
        if (iVop) {
            while (mcbpc == Mpeg4Tables.MCBPC_INTRA_STUFFING) {
                mcbpc = Mpeg4Tables.MCBPC_INTRA.decode(br);
            }
            cbpc = mcbpc & 3;
            dquant = (mcbpc >> 2) == 1;
        } else {
            cbpc = mcbpc & 3;
            dquant = (mcbpc >> 2) == 3;
        }
        boolean acPred = br.readBit();
        int cbpy = Mpeg4Tables.CBPY.decode(br);
        // intra_dc_vlc_thr is compared with the running QP, i.e. before this macroblock's dquant.
        boolean useDcVlc = quant < intraDcThreshold;
        if (dquant) {
            updateQuant(DQUANT[br.read(2)]);
        }
        int cbp = (cbpy << 2) | cbpc;
        mbIntra[mb] = true;
        mbQuant[mb] = quant;
        for (int n = 0; n < 6; n++) {
            boolean coded = (cbp & (32 >> n)) != 0;
            intraBlock(n, mbx, mby, acPred, useDcVlc, coded);
        }
        cur.setMode(mb, MB_INTRA);
        cur.setVectors(mbx, mby, 0, 0);
    }

    private void intraBlock(int n, int mbx, int mby, boolean acPred, boolean useDcVlc, boolean coded)
            throws Mpeg4Exception {
        // Neighbour blocks: A left, B above-left, C above (clause 7.4.3).
        int[] dcStore;
        int[] acStore;
        int self;
        int left;
        int aboveLeft;
        int above;
        int leftMb;
        int aboveLeftMb;
        int aboveMb;
        if (n < 4) {
            int bw = mbWidth * 2;
            int bx = mbx * 2 + (n & 1);
            int by = mby * 2 + (n >> 1);
            dcStore = dcLuma;
            acStore = acLuma;
            self = by * bw + bx;
            left = self - 1;
            above = self - bw;
            aboveLeft = above - 1;
            leftMb = bx > 0 ? (by >> 1) * mbWidth + ((bx - 1) >> 1) : -1;
            aboveMb = by > 0 ? ((by - 1) >> 1) * mbWidth + (bx >> 1) : -1;
            aboveLeftMb = bx > 0 && by > 0 ? ((by - 1) >> 1) * mbWidth + ((bx - 1) >> 1) : -1;
        } else {
            dcStore = dcChroma[n - 4];
            acStore = acChroma[n - 4];
            self = mby * mbWidth + mbx;
            left = self - 1;
            above = self - mbWidth;
            aboveLeft = above - 1;
            leftMb = mbx > 0 ? left : -1;
            aboveMb = mby > 0 ? above : -1;
            aboveLeftMb = mbx > 0 && mby > 0 ? aboveLeft : -1;
        }
        boolean hasLeft = intraAvailable(leftMb);
        boolean hasAbove = intraAvailable(aboveMb);
        int dcA = hasLeft ? dcStore[left] : 1024;
        int dcB = intraAvailable(aboveLeftMb) ? dcStore[aboveLeft] : 1024;
        int dcC = hasAbove ? dcStore[above] : 1024;
        boolean fromAbove = Math.abs(dcA - dcB) < Math.abs(dcB - dcC);
        int[] scan = !acPred ? Mpeg4Tables.ZIGZAG
                : fromAbove ? Mpeg4Tables.ALTERNATE_HORIZONTAL : Mpeg4Tables.ALTERNATE_VERTICAL;

        int[] q = qf;
        Arrays.fill(q, 0);
        int first = 0;
        if (useDcVlc) {
            q[0] = dcDifferential(n < 4);
            first = 1;
        }
        if (coded) {
            coefficients(Mpeg4Tables.INTRA_TCOEF, scan, first, q);
        }
        int dcScale = n < 4 ? Mpeg4Tables.lumaDcScale(quant) : Mpeg4Tables.chromaDcScale(quant);
        int predDc = fromAbove ? dcC : dcA;
        q[0] += (predDc + (dcScale >> 1)) / dcScale;
        int dc = q[0] * dcScale;
        dcStore[self] = dc < 0 ? 0 : (dc > 2047 && !bugDcClip ? 2047 : dc);

        if (acPred) {
            if (fromAbove) {
                if (hasAbove) {
                    int qpN = mbQuant[aboveMb];
                    int base = above * 16;
                    for (int k = 1; k < 8; k++) {
                        q[k] += scaleAc(acStore[base + k], qpN);
                    }
                }
            } else if (hasLeft) {
                int qpN = mbQuant[leftMb];
                int base = left * 16;
                for (int k = 1; k < 8; k++) {
                    q[k * 8] += scaleAc(acStore[base + 8 + k], qpN);
                }
            }
        }
        int base = self * 16;
        for (int k = 1; k < 8; k++) {
            acStore[base + k] = q[k];
            acStore[base + 8 + k] = q[k * 8];
        }

        int[] c = coef;
        if (vol.quantMpeg) {
            dequantMpeg(q, c, vol.intraMatrix, true);
        } else {
            dequantH263(q, c, true);
        }
        c[0] = dc;
        idct.inverse(c);
        cur.putBlock(n, mbx, mby, c, null, 0);
    }

    private boolean intraAvailable(int mb) {
        return mb >= 0 && mbPacket[mb] == packet && mbIntra[mb];
    }

    private int scaleAc(int v, int qpN) {
        if (qpN == quant || v == 0) {
            return v;
        }
        int a = v * qpN;
        return (a > 0 ? a + (quant >> 1) : a - (quant >> 1)) / quant;
    }

    private int dcDifferential(boolean luma) throws Mpeg4Exception {
        int size = (luma ? Mpeg4Tables.DC_SIZE_LUMA : Mpeg4Tables.DC_SIZE_CHROMA).decode(br);
        if (size == 0) {
            return 0;
        }
        int code = br.read(size);
        int diff = (code >> (size - 1)) == 0 ? code - ((1 << size) - 1) : code;
        if (size > 8) {
            br.marker("intra DC");
        }
        return diff;
    }

    /** Reads TCOEF events into out[scan[i]] for i from `first`, until last=1 (clause 7.4.1 with escapes). */
    private void coefficients(Mpeg4Tables.RunLevelTable t, int[] scan, int first, int[] out) throws Mpeg4Exception {
        int i = first - 1;
        while (true) {
            int sym = t.vlc.decode(br);
            int run;
            int level;
            int last;
            if (sym != t.escape) {
                run = t.run[sym];
                level = t.level[sym];
                last = t.last[sym];
                if (br.readBit()) {
                    level = -level;
                }
            } else if (!br.readBit()) { // escape type 1: level offset by LMAX
                sym = t.vlc.decode(br);
                if (sym == t.escape) {
                    throw new Mpeg4Exception("double escape in TCOEF");
                }
                run = t.run[sym];
                last = t.last[sym];
                level = t.level[sym] + t.maxLevel[last][run];
                if (br.readBit()) {
                    level = -level;
                }
            } else if (!br.readBit()) { // escape type 2: run offset by RMAX + 1
                sym = t.vlc.decode(br);
                if (sym == t.escape) {
                    throw new Mpeg4Exception("double escape in TCOEF");
                }
                level = t.level[sym];
                last = t.last[sym];
                run = t.run[sym] + t.maxRun[last][level] + 1;
                if (br.readBit()) {
                    level = -level;
                }
            } else { // escape type 3: fixed-length last, run, level
                last = br.read(1);
                run = br.read(6);
                br.marker("TCOEF escape");
                level = (br.read(12) << 20) >> 20;
                br.marker("TCOEF escape");
                if (level == 0) {
                    throw new Mpeg4Exception("zero level in TCOEF escape");
                }
            }
            i += run + 1;
            if (i > 63) {
                throw new Mpeg4Exception("TCOEF run past the end of the block");
            }
            out[scan[i]] = level;
            if (last != 0) {
                return;
            }
        }
    }

    private void dequantH263(int[] q, int[] c, boolean intra) {
        int qp = quant;
        int add = (qp & 1) != 0 ? qp : qp - 1;
        for (int i = intra ? 1 : 0; i < 64; i++) {
            int v = q[i];
            if (v == 0) {
                c[i] = 0;
            } else if (v > 0) {
                c[i] = Math.min(2 * qp * v + add, 2047);
            } else {
                c[i] = Math.max(2 * qp * v - add, -2048);
            }
        }
    }

    private void dequantMpeg(int[] q, int[] c, int[] matrix, boolean intra) {
        int qp = quant;
        int sum = 0;
        for (int i = intra ? 1 : 0; i < 64; i++) {
            int v = q[i];
            int f;
            if (v == 0) {
                f = 0;
            } else {
                int a = Math.abs(v);
                f = intra ? (a * matrix[i] * qp) >> 3 : ((2 * a + 1) * matrix[i] * qp) >> 4;
                f = Math.min(f, v > 0 ? 2047 : 2048);
                if (v < 0) {
                    f = -f;
                }
            }
            c[i] = f;
            sum += f;
        }
        // Mismatch control (clause 7.4.4.3) toggles the last coefficient when the sum is even.
        if (!intra && (sum & 1) == 0) {
            c[63] ^= 1;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // P-VOP macroblocks

    private void pMacroblock(int mb, int mbx, int mby) throws Mpeg4Exception {
        int mcbpc;
        while (true) {
            if (br.readBit()) { // not_coded: copy with zero vector
                mbIntra[mb] = false;
                mbQuant[mb] = quant;
                cur.setMode(mb, MB_SKIPPED);
                cur.setVectors(mbx, mby, 0, 0);
                Arrays.fill(mvx, 0);
                Arrays.fill(mvy, 0);
                predict(backward, mbx, mby, mvx, mvy, false, rounding, pred);
                cur.putMacroblock(mbx, mby, pred);
                return;
            }
            mcbpc = Mpeg4Tables.MCBPC_INTER.decode(br);
            if (mcbpc != Mpeg4Tables.MCBPC_INTER_STUFFING) {
                break;
            }
        }
        int mbType = mcbpc >> 2;
        if (mbType == 1 || mbType == 3) {
            intraMacroblock(mb, mbx, mby, mcbpc, false);
            return;
        }
        int cbpy = Mpeg4Tables.CBPY.decode(br) ^ 15;
        if (mbType == 2) {
            updateQuant(DQUANT[br.read(2)]);
        }
        mbIntra[mb] = false;
        mbQuant[mb] = quant;
        boolean fourV = mbType == 4;
        if (fourV) {
            for (int k = 0; k < 4; k++) {
                motionVector(mbx, mby, k);
                cur.setBlockVector(mbx, mby, k, mvx[k], mvy[k]);
            }
            cur.setMode(mb, MB_INTER4V);
        } else {
            motionVector(mbx, mby, 0);
            for (int k = 1; k < 4; k++) {
                mvx[k] = mvx[0];
                mvy[k] = mvy[0];
            }
            cur.setVectors(mbx, mby, mvx[0], mvy[0]);
            cur.setMode(mb, MB_INTER);
        }
        predict(backward, mbx, mby, mvx, mvy, fourV, rounding, pred);
        interResidual((cbpy << 2) | (mcbpc & 3), mbx, mby);
    }

    /** Decodes the vector of block k (its prediction from neighbours plus the coded difference). */
    private void motionVector(int mbx, int mby, int k) throws Mpeg4Exception {
        int bw = mbWidth * 2;
        int bx = mbx * 2 + (k & 1);
        int by = mby * 2 + (k >> 1);
        // Candidates (Figure 7-?): A left, B above, C above-right (above-left for block 3).
        int cOffset = k == 0 ? 2 : (k == 3 ? -1 : 1);
        int[] cand = candidates;
        int valid = 0;
        valid += candidate(0, bx - 1, by, bw) ? 1 : 0;
        valid += candidate(1, bx, by - 1, bw) ? 1 : 0;
        valid += candidate(2, bx + cOffset, by - 1, bw) ? 1 : 0;
        int px;
        int py;
        if (valid == 0) {
            px = 0;
            py = 0;
        } else if (valid == 1) {
            px = cand[0] + cand[2] + cand[4]; // the two invalid ones are zero
            py = cand[1] + cand[3] + cand[5];
        } else {
            px = median(cand[0], cand[2], cand[4]);
            py = median(cand[1], cand[3], cand[5]);
        }
        mvx[k] = mvComponent(px, fcodeForward);
        mvy[k] = mvComponent(py, fcodeForward);
    }

    private final int[] candidates = new int[6];

    private boolean candidate(int i, int bx, int by, int bw) {
        if (bx < 0 || by < 0 || bx >= bw) {
            candidates[2 * i] = 0;
            candidates[2 * i + 1] = 0;
            return false;
        }
        int mb = (by >> 1) * mbWidth + (bx >> 1);
        if (mbPacket[mb] != packet) {
            candidates[2 * i] = 0;
            candidates[2 * i + 1] = 0;
            return false;
        }
        int idx = by * bw + bx;
        candidates[2 * i] = cur.mvx[idx];
        candidates[2 * i + 1] = cur.mvy[idx];
        return true;
    }

    private static int median(int a, int b, int c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** motion_code, sign and residual (clause 7.6.3); the result wraps into the f_code range. */
    private int mvComponent(int predictor, int fcode) throws Mpeg4Exception {
        int code = Mpeg4Tables.MVD.decode(br);
        if (code == 0) {
            return predictor;
        }
        boolean negative = br.readBit();
        int shift = fcode - 1;
        int val = code;
        if (shift > 0) {
            val = (((val - 1) << shift) | br.read(shift)) + 1;
        }
        if (negative) {
            val = -val;
        }
        val += predictor;
        int bits = 32 - (5 + fcode);
        return (val << bits) >> bits;
    }

    // ------------------------------------------------------------------------------------------------
    // B-VOP macroblocks

    private void bMacroblock(int mb, int mbx, int mby) throws Mpeg4Exception {
        mbIntra[mb] = false;
        if (backward.mode[mb] == MB_SKIPPED) {
            // Co-located macroblock skipped in the future reference: skip here too, forward zero vector.
            Arrays.fill(mvx, 0);
            Arrays.fill(mvy, 0);
            predict(forward, mbx, mby, mvx, mvy, false, 0, pred);
            cur.putMacroblock(mbx, mby, pred);
            return;
        }
        int type;
        int cbp = 0;
        boolean modb1 = br.readBit();
        if (modb1) { // direct mode, no mb_type, no cbpb, no delta vector
            type = Mpeg4Tables.B_DIRECT;
        } else {
            boolean noCbp = br.readBit();
            type = Mpeg4Tables.MB_TYPE_B.decode(br);
            if (!noCbp) {
                cbp = br.read(6);
            }
            if (type != Mpeg4Tables.B_DIRECT && cbp != 0 && br.readBit()) {
                updateQuant(br.readBit() ? 2 : -2);
            }
        }
        mbQuant[mb] = quant;
        if (type == Mpeg4Tables.B_DIRECT) {
            int dx = 0;
            int dy = 0;
            if (!modb1) {
                dx = mvComponent(0, 1);
                dy = mvComponent(0, 1);
            }
            boolean fourV = backward.mode[mb] == MB_INTER4V;
            directVectors(mbx, mby, fourV ? 4 : 1, dx, dy);
            predict(forward, mbx, mby, mvx, mvy, fourV, 0, pred);
            predict(backward, mbx, mby, mvx2, mvy2, fourV, 0, pred2);
            average(pred, pred2);
        } else {
            if (type != Mpeg4Tables.B_BACKWARD) {
                mvx[0] = bPred[0] = mvComponent(bPred[0], fcodeForward);
                mvy[0] = bPred[1] = mvComponent(bPred[1], fcodeForward);
            }
            if (type != Mpeg4Tables.B_FORWARD) {
                mvx2[0] = bPred[2] = mvComponent(bPred[2], fcodeBackward);
                mvy2[0] = bPred[3] = mvComponent(bPred[3], fcodeBackward);
            }
            if (type == Mpeg4Tables.B_FORWARD) {
                predict(forward, mbx, mby, mvx, mvy, false, 0, pred);
            } else if (type == Mpeg4Tables.B_BACKWARD) {
                predict(backward, mbx, mby, mvx2, mvy2, false, 0, pred);
            } else {
                predict(forward, mbx, mby, mvx, mvy, false, 0, pred);
                predict(backward, mbx, mby, mvx2, mvy2, false, 0, pred2);
                average(pred, pred2);
            }
        }
        interResidual(cbp, mbx, mby);
    }

    /**
     * Direct mode (clause 7.6.9.5): forward = TRB/TRD of the co-located vector plus the delta, backward =
     * (TRB-TRD)/TRD of it when the delta is zero, else forward minus co-located.
     */
    private void directVectors(int mbx, int mby, int count, int dx, int dy) {
        int bw = mbWidth * 2;
        for (int k = 0; k < count; k++) {
            int idx = (mby * 2 + (k >> 1)) * bw + mbx * 2 + (k & 1);
            int px = backward.mvx[idx];
            int py = backward.mvy[idx];
            mvx[k] = px * pbTime / ppTime + dx;
            mvy[k] = py * pbTime / ppTime + dy;
            mvx2[k] = dx == 0 ? px * (pbTime - ppTime) / ppTime : mvx[k] - px;
            mvy2[k] = dy == 0 ? py * (pbTime - ppTime) / ppTime : mvy[k] - py;
        }
    }

    private static void average(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (a[i] + b[i] + 1) >> 1;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Prediction and reconstruction

    /**
     * Motion-compensated prediction of a macroblock from ref into dst (Y 16x16 at 0, U and V 8x8 at 256
     * and 320), with one vector (v[0]) or four (fourV).
     */
    private void predict(Picture ref, int mbx, int mby, int[] vx, int[] vy, boolean fourV, int rnd, int[] dst) {
        int stride = mbWidth * 16;
        // Vectors may point outside the picture; samples there repeat the edge of the macroblock-aligned
        // picture (old Xvid builds: of the visible picture).
        int lw = bugEdge ? vol.width : stride;
        int lh = bugEdge ? vol.height : mbHeight * 16;
        boolean qpel = vol.quarterSample;
        int cmx;
        int cmy;
        if (!fourV) {
            int mx = vx[0];
            int my = vy[0];
            if (qpel) {
                mc.quarterSample(ref.y, stride, lw, lh, mbx * 16 + (mx >> 2), mby * 16 + (my >> 2), mx & 3, my & 3,
                        16, rnd, dst, 0, 16);
                mx = qpelChromaHalf(mx);
                my = qpelChromaHalf(my);
            } else {
                mc.halfSample(ref.y, stride, lw, lh, mbx * 16 + (mx >> 1), mby * 16 + (my >> 1), mx & 1, my & 1,
                        16, 16, rnd, dst, 0, 16);
            }
            cmx = (mx >> 1) | (mx & 1);
            cmy = (my >> 1) | (my & 1);
        } else {
            int sx = 0;
            int sy = 0;
            for (int k = 0; k < 4; k++) {
                int mx = vx[k];
                int my = vy[k];
                int bx = mbx * 16 + (k & 1) * 8;
                int by = mby * 16 + (k >> 1) * 8;
                int off = (k >> 1) * 128 + (k & 1) * 8;
                if (qpel) {
                    mc.quarterSample(ref.y, stride, lw, lh, bx + (mx >> 2), by + (my >> 2), mx & 3, my & 3,
                            8, rnd, dst, off, 16);
                    sx += mx / 2;
                    sy += my / 2;
                } else {
                    mc.halfSample(ref.y, stride, lw, lh, bx + (mx >> 1), by + (my >> 1), mx & 1, my & 1,
                            8, 8, rnd, dst, off, 16);
                    sx += mx;
                    sy += my;
                }
            }
            cmx = Mpeg4Tables.CHROMA_ROUND_16[sx & 15] + ((sx >> 3) & ~1);
            cmy = Mpeg4Tables.CHROMA_ROUND_16[sy & 15] + ((sy >> 3) & ~1);
        }
        int cstride = mbWidth * 8;
        int cw = lw >> 1;
        int ch = lh >> 1;
        int cx = mbx * 8 + (cmx >> 1);
        int cy = mby * 8 + (cmy >> 1);
        mc.halfSample(ref.u, cstride, cw, ch, cx, cy, cmx & 1, cmy & 1, 8, 8, rnd, dst, 256, 8);
        mc.halfSample(ref.v, cstride, cw, ch, cx, cy, cmx & 1, cmy & 1, 8, 8, rnd, dst, 320, 8);
    }

    private static final int[] QPEL_CHROMA2_ROUND = {0, 0, 1, 1, 0, 0, 0, 1};

    /** A quarter-sample luma vector component in half samples, for the chroma vector (with DivX/Xvid bugs). */
    private int qpelChromaHalf(int v) {
        if (bugQpelChroma2) {
            return (v >> 1) + QPEL_CHROMA2_ROUND[v & 7];
        }
        if (bugQpelChroma) {
            return (v >> 1) | (v & 1);
        }
        return v / 2;
    }

    /** Adds the coded residual blocks of cbp (bit 5 = block 0) to the prediction and stores the macroblock. */
    private void interResidual(int cbp, int mbx, int mby) throws Mpeg4Exception {
        for (int n = 0; n < 6; n++) {
            int off = n < 4 ? (n >> 1) * 128 + (n & 1) * 8 : (n == 4 ? 256 : 320);
            int stride = n < 4 ? 16 : 8;
            if ((cbp & (32 >> n)) != 0) {
                int[] q = qf;
                Arrays.fill(q, 0);
                coefficients(Mpeg4Tables.INTER_TCOEF, Mpeg4Tables.ZIGZAG, 0, q);
                int[] c = coef;
                if (vol.quantMpeg) {
                    dequantMpeg(q, c, vol.interMatrix, false);
                } else {
                    dequantH263(q, c, false);
                }
                idct.inverse(c);
                cur.putBlock(n, mbx, mby, c, pred, off);
            } else {
                cur.putPrediction(n, mbx, mby, pred, off, stride);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** A decoded VOP at macroblock-aligned size, with the modes and vectors B-VOPs refer to. */
    static final class Picture {
        final int mbWidth;
        final byte[] y;
        final byte[] u;
        final byte[] v;
        final int strideY;
        final int strideC;
        final int[] mvx;
        final int[] mvy;
        final byte[] mode;

        Picture(int mbWidth, int mbHeight) {
            this.mbWidth = mbWidth;
            strideY = mbWidth * 16;
            strideC = mbWidth * 8;
            y = new byte[strideY * mbHeight * 16];
            u = new byte[strideC * mbHeight * 8];
            v = new byte[strideC * mbHeight * 8];
            mvx = new int[4 * mbWidth * mbHeight];
            mvy = new int[4 * mbWidth * mbHeight];
            mode = new byte[mbWidth * mbHeight];
        }

        void setMode(int mb, byte m) {
            mode[mb] = m;
        }

        void setVectors(int mbx, int mby, int x, int y) {
            for (int k = 0; k < 4; k++) {
                setBlockVector(mbx, mby, k, x, y);
            }
        }

        void setBlockVector(int mbx, int mby, int k, int x, int y) {
            int idx = (mby * 2 + (k >> 1)) * mbWidth * 2 + mbx * 2 + (k & 1);
            mvx[idx] = x;
            mvy[idx] = y;
        }

        /** The plane of block n of a macroblock: 0-3 the four 8x8 luma blocks, 4 Cb, 5 Cr. */
        private byte[] plane(int n) {
            return n < 4 ? y : (n == 4 ? u : v);
        }

        private int stride(int n) {
            return n < 4 ? strideY : strideC;
        }

        /** Where block n of macroblock (mbx, mby) starts in its plane. */
        private int blockOffset(int n, int mbx, int mby) {
            return n < 4 ? (mby * 16 + (n >> 1) * 8) * strideY + mbx * 16 + (n & 1) * 8
                    : mby * 8 * strideC + mbx * 8;
        }

        /** Writes samples (plus prediction p at pOff, if any) of block n, clamped to 0..255. */
        void putBlock(int n, int mbx, int mby, int[] samples, int[] p, int pOff) {
            byte[] plane = plane(n);
            int stride = stride(n);
            int o = blockOffset(n, mbx, mby);
            int pStride = n < 4 ? 16 : 8;
            for (int r = 0; r < 8; r++) {
                int d = o + r * stride;
                int s = r * 8;
                if (p == null) {
                    for (int c = 0; c < 8; c++) {
                        int val = samples[s + c];
                        plane[d + c] = (byte) (val < 0 ? 0 : (val > 255 ? 255 : val));
                    }
                } else {
                    int ps = pOff + r * pStride;
                    for (int c = 0; c < 8; c++) {
                        int val = samples[s + c] + p[ps + c];
                        plane[d + c] = (byte) (val < 0 ? 0 : (val > 255 ? 255 : val));
                    }
                }
            }
        }

        void putPrediction(int n, int mbx, int mby, int[] p, int pOff, int pStride) {
            byte[] plane = plane(n);
            int stride = stride(n);
            int o = blockOffset(n, mbx, mby);
            for (int r = 0; r < 8; r++) {
                int d = o + r * stride;
                int ps = pOff + r * pStride;
                for (int c = 0; c < 8; c++) {
                    plane[d + c] = (byte) p[ps + c];
                }
            }
        }

        void putMacroblock(int mbx, int mby, int[] p) {
            for (int n = 0; n < 4; n++) {
                putPrediction(n, mbx, mby, p, (n >> 1) * 128 + (n & 1) * 8, 16);
            }
            putPrediction(4, mbx, mby, p, 256, 8);
            putPrediction(5, mbx, mby, p, 320, 8);
        }

        static Picture gray(int mbWidth, int mbHeight) {
            Picture p = new Picture(mbWidth, mbHeight);
            Arrays.fill(p.y, (byte) 128);
            Arrays.fill(p.u, (byte) 128);
            Arrays.fill(p.v, (byte) 128);
            return p;
        }

        Yuv420Frame frame(int width, int height) {
            return new Yuv420Frame(width, height, y, strideY, u, v, strideC);
        }
    }
}
