package org.vificlip.video.avi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.vificlip.video.avi.AviFixtures.*;

/** Rewrites a fixture AVI into the other layouts a demuxer meets: no index, absolute idx1, OpenDML, 'rec ' lists. */
final class AviVariants {
    private AviVariants() {
    }

    /** The same file without its idx1 index (the RIFF size adjusted): a reader must walk the movi list. */
    static byte[] withoutIdx1(byte[] avi) {
        int idx1 = find(avi, "idx1");
        byte[] out = Arrays.copyOf(avi, idx1);
        putLe32(out, 4, out.length - 8);
        return out;
    }

    /** The same file with idx1 offsets made absolute (file offsets), as some writers store them. */
    static byte[] withAbsoluteIdx1(byte[] avi) {
        byte[] out = avi.clone();
        int idx1 = find(out, "idx1");
        int movi = find(out, "movi");
        int n = (int) getLe32(out, idx1 + 4) / 16;
        for (int i = 0; i < n; i++) {
            int e = idx1 + 8 + i * 16;
            putLe32(out, e + 8, getLe32(out, e + 8) + movi);
        }
        return out;
    }

    /** The same file with every idx1 entry pointing at nonsense: a reader must ignore it and walk movi. */
    static byte[] withBrokenIdx1(byte[] avi) {
        byte[] out = avi.clone();
        int idx1 = find(out, "idx1");
        int n = (int) getLe32(out, idx1 + 4) / 16;
        for (int i = 0; i < n; i++) {
            putLe32(out, idx1 + 8 + i * 16 + 8, 7 + 3L * i);
        }
        return out;
    }

    private static byte[] payload(byte[] avi, String id) {
        int at = find(avi, id);
        return Arrays.copyOfRange(avi, at + 8, at + 8 + (int) getLe32(avi, at + 4));
    }

    private static List<byte[]> frames(Path file, List<Boolean> keys) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (AviFile avi = AviFile.open(file)) {
            for (AviFile.Chunk c : avi.chunks()) {
                frames.add(avi.read(c));
                keys.add(c.keyFrame());
            }
        }
        return frames;
    }

    /** The frames wrapped two by two in 'LIST rec ' lists, without an index. */
    static byte[] withRecLists(Path file) throws IOException {
        byte[] avi = Files.readAllBytes(file);
        List<byte[]> frames = frames(file, new ArrayList<>());
        List<byte[]> movi = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += 2) {
            List<byte[]> rec = new ArrayList<>();
            for (int j = i; j < Math.min(i + 2, frames.size()); j++) {
                rec.add(chunk("00dc", frames.get(j)));
            }
            movi.add(list("LIST", "rec ", rec.toArray(new byte[0][])));
        }
        byte[] hdrl = list("LIST", "hdrl", chunk("avih", payload(avi, "avih")),
                list("LIST", "strl", chunk("strh", payload(avi, "strh")), chunk("strf", payload(avi, "strf"))));
        return list("RIFF", "AVI ", hdrl, list("LIST", "movi", movi.toArray(new byte[0][])));
    }

    /**
     * The file as DivX 5 would label it: FourCC DX50 and the DivX user data whose trailing 'p' announces a
     * packed bitstream, inserted before chunk 0's first VOP; written without an index.
     */
    static byte[] asDivxPacked(Path file) throws IOException {
        byte[] avi = Files.readAllBytes(file);
        List<byte[]> frames = frames(file, new ArrayList<>());
        byte[] first = frames.get(0);
        int vop = VopHeaders.findStartCode(first, 0, VopHeaders.VOP_START);
        byte[] userData = concat(List.of(new byte[]{0, 0, 1, (byte) 0xB2}, "DivX503b1393p".getBytes()));
        frames.set(0, concat(List.of(Arrays.copyOf(first, vop), userData, Arrays.copyOfRange(first, vop, first.length))));
        byte[] strf = payload(avi, "strf");
        System.arraycopy("DX50".getBytes(), 0, strf, 16, 4);
        List<byte[]> movi = new ArrayList<>();
        for (byte[] f : frames) {
            movi.add(chunk("00dc", f));
        }
        byte[] hdrl = list("LIST", "hdrl", chunk("avih", payload(avi, "avih")),
                list("LIST", "strl", chunk("strh", payload(avi, "strh")), chunk("strf", strf)));
        return list("RIFF", "AVI ", hdrl, list("LIST", "movi", movi.toArray(new byte[0][])));
    }

    /**
     * An OpenDML file: the first {@code split} frames in RIFF 'AVI ', the rest in RIFF 'AVIX', each movi with
     * its own 'ix00' standard index, and an 'indx' super index in the stream header list; no idx1.
     */
    static byte[] openDml(Path file, int split) throws IOException {
        byte[] avi = Files.readAllBytes(file);
        List<Boolean> keys = new ArrayList<>();
        List<byte[]> frames = frames(file, keys);
        byte[] avih = payload(avi, "avih");
        byte[] strh = payload(avi, "strh");
        byte[] strf = payload(avi, "strf");
        int indxSize = 24 + 2 * 16;
        byte[] hdrlPlaceholder = hdrl(avih, strh, strf, new byte[indxSize]);

        // Pass 1: positions. RIFF header 12, hdrl, then LIST movi.
        long movi1 = 12 + hdrlPlaceholder.length;            // 'LIST' of the first movi
        long[] dataOffset = new long[frames.size()];
        long pos = movi1 + 12;
        for (int i = 0; i < split; i++) {
            dataOffset[i] = pos + 8;
            pos += 8 + frames.get(i).length + (frames.get(i).length & 1);
        }
        long ix1 = pos;
        long ix1Size = 24 + 8L * split;
        long riff1End = ix1 + 8 + ix1Size;
        long movi2 = riff1End + 12;
        pos = movi2 + 12;
        for (int i = split; i < frames.size(); i++) {
            dataOffset[i] = pos + 8;
            pos += 8 + frames.get(i).length + (frames.get(i).length & 1);
        }
        long ix2 = pos;
        long ix2Size = 24 + 8L * (frames.size() - split);

        byte[] indx = concat(List.of(le16(4), new byte[]{0, 0}, le32(2), "00dc".getBytes(), new byte[12],
                le64(ix1), le32(8 + ix1Size), le32(split),
                le64(ix2), le32(8 + ix2Size), le32(frames.size() - split)));
        byte[] hdrl = hdrl(avih, strh, strf, indx);

        List<byte[]> moviA = new ArrayList<>();
        for (int i = 0; i < split; i++) {
            moviA.add(chunk("00dc", frames.get(i)));
        }
        moviA.add(chunk("ix00", standardIndex(frames, keys, dataOffset, 0, split, movi1)));
        List<byte[]> moviB = new ArrayList<>();
        for (int i = split; i < frames.size(); i++) {
            moviB.add(chunk("00dc", frames.get(i)));
        }
        moviB.add(chunk("ix00", standardIndex(frames, keys, dataOffset, split, frames.size(), movi2)));
        byte[] riff1 = list("RIFF", "AVI ", hdrl, list("LIST", "movi", moviA.toArray(new byte[0][])));
        byte[] riff2 = list("RIFF", "AVIX", list("LIST", "movi", moviB.toArray(new byte[0][])));
        if (riff1.length != riff1End || find(riff1, "ix00") != ix1) {
            throw new IllegalStateException("layout mismatch");
        }
        return concat(List.of(riff1, riff2));
    }

    private static byte[] hdrl(byte[] avih, byte[] strh, byte[] strf, byte[] indx) {
        return list("LIST", "hdrl", chunk("avih", avih),
                list("LIST", "strl", chunk("strh", strh), chunk("strf", strf), chunk("indx", indx)));
    }

    private static byte[] standardIndex(List<byte[]> frames, List<Boolean> keys, long[] dataOffset,
                                        int from, int to, long base) {
        List<byte[]> parts = new ArrayList<>(List.of(le16(2), new byte[]{0, 1}, le32(to - from),
                "00dc".getBytes(), le64(base), new byte[4]));
        for (int i = from; i < to; i++) {
            long size = frames.get(i).length | (keys.get(i) ? 0 : 0x8000_0000L);
            parts.add(concat(List.of(le32(dataOffset[i] - base), le32(size))));
        }
        return concat(parts);
    }
}
