package org.vificlip.video.mpeg4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vificlip.video.Yuv420Frame;

/** Bad input gives an Mpeg4Exception saying what is wrong, never another exception, a hang or a loop. */
class Mpeg4DecoderErrorTest {
    private static List<byte[]> chunks(String name) throws Exception {
        return AviChunks.read(Mpeg4DecoderFixtureTest.FIXTURES.resolve(name));
    }

    @Test
    void truncatedKeyFrameIsReportedAsCorrupt() throws Exception {
        byte[] first = chunks("xvid_simple.avi").get(0);
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        Mpeg4Exception e = assertThrows(Mpeg4Exception.class,
                () -> decoder.decode(Arrays.copyOf(first, first.length / 2)));
        assertTrue(e.getMessage().contains("I-VOP"), e.getMessage());
        assertEquals(320, decoder.width(), "the VOL before the damage was read");
    }

    @Test
    void garbageChunksNeverEscapeAsOtherExceptions() throws Exception {
        Random random = new Random(42);
        List<byte[]> good = chunks("xvid_asp_bframes.avi");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int trial = 0; trial < 40; trial++) {
                Mpeg4Decoder decoder = new Mpeg4Decoder();
                decoder.decode(good.get(0));
                byte[] garbage = new byte[1 + random.nextInt(4000)];
                random.nextBytes(garbage);
                if (trial % 2 == 0 && garbage.length > 8) { // make it look like a VOP
                    garbage[0] = 0;
                    garbage[1] = 0;
                    garbage[2] = 1;
                    garbage[3] = (byte) 0xB6;
                }
                try {
                    decoder.decode(garbage);
                } catch (Mpeg4Exception expected) {
                    assertFalse(expected.getMessage().isBlank());
                }
            }
        });
    }

    @Test
    void corruptedStreamsOnlyThrowMpeg4Exception() throws Exception {
        Random random = new Random(7);
        for (String name : List.of("mpeg4_part2.avi", "xvid_asp_bframes.avi")) {
            List<byte[]> good = chunks(name);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int trial = 0; trial < 4; trial++) {
                    Mpeg4Decoder decoder = new Mpeg4Decoder();
                    int errors = 0;
                    for (byte[] chunk : good) {
                        byte[] bad = chunk.clone();
                        for (int k = 0; k < 3 && bad.length > 40; k++) {
                            bad[20 + random.nextInt(bad.length - 20)] ^= (byte) (1 << random.nextInt(8));
                        }
                        try {
                            for (Yuv420Frame f : decoder.decode(bad)) {
                                assertEquals(320, f.width());
                            }
                        } catch (Mpeg4Exception expected) {
                            errors++;
                        }
                    }
                    decoder.flush();
                    assertTrue(errors > 0, name + ": flipped bits in every chunk went unnoticed");
                }
            });
        }
    }

    @Test
    void unsupportedFeaturesAreNamed() throws Exception {
        assertEquals("interlaced VOL not supported", volError(true, 0, false));
        assertTrue(volError(false, 0, true).startsWith("data partitioned VOL"), volError(false, 0, true));
        assertTrue(volError(false, 1, false).startsWith("static sprite VOL"), volError(false, 1, false));
        // A GMC VOL is accepted (its I/P/B-VOPs are ordinary); its S-VOPs are refused.
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        decoder.configure(vol(false, 2, false));
        BitWriter sVop = new BitWriter();
        sVop.put(0x000001, 24).put(0xB6, 8).put(3, 2).put(0, 1).put(1, 1).put(0, 5).put(1, 1).put(1, 1);
        sVop.put(0, 1).put(0x7F, 7);
        Mpeg4Exception e = assertThrows(Mpeg4Exception.class, () -> decoder.decode(sVop.bytes()));
        assertTrue(e.getMessage().startsWith("GMC sprite VOPs (sprite_enable=2) are not supported"), e.getMessage());
    }

    @Test
    void vopWithoutVolIsRejected() throws Exception {
        byte[] pFrame = chunks("xvid_simple.avi").get(1);
        Mpeg4Exception e = assertThrows(Mpeg4Exception.class, () -> new Mpeg4Decoder().decode(pFrame));
        assertTrue(e.getMessage().contains("VOL"), e.getMessage());
    }

    @Test
    void scanFindsVopTypesWithoutDecoding() throws Exception {
        List<byte[]> c = chunks("xvid_asp_bframes.avi");
        assertEquals(List.of(new VopSummary('I', true)), Mpeg4Decoder.scan(c.get(0)));
        assertEquals(List.of(), Mpeg4Decoder.scan(c.get(1)));
        assertEquals(List.of(new VopSummary('P', true), new VopSummary('B', true)), Mpeg4Decoder.scan(c.get(3)));
        assertEquals(List.of(new VopSummary('P', false)), Mpeg4Decoder.scan(c.get(5)));
        int coded = 0;
        for (byte[] chunk : c) {
            for (VopSummary v : Mpeg4Decoder.scan(chunk)) {
                coded += v.coded() ? 1 : 0;
            }
        }
        assertEquals(49, coded, "coded VOPs (FFmpeg never decodes the B-VOP still deferred at the end)");
    }

    @Test
    void resetThenDecodingFromAKeyFrameMatchesTheFullDecode() throws Exception {
        List<byte[]> c = chunks("xvid_simple.avi");
        List<Yuv420Frame> full = Mpeg4DecoderFixtureTest.decodeAll(
                Mpeg4DecoderFixtureTest.FIXTURES.resolve("xvid_simple.avi"));
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        decoder.decode(c.get(0));
        decoder.flush();
        decoder.reset();
        int key = -1;
        for (int i = 1; i < c.size() && key < 0; i++) {
            if (Mpeg4Decoder.scan(c.get(i)).get(0).type() == 'I') {
                key = i;
            }
        }
        assertTrue(key > 0);
        List<Yuv420Frame> tail = new ArrayList<>();
        for (int i = key; i < key + 5; i++) {
            tail.addAll(decoder.decode(c.get(i)));
        }
        tail.addAll(decoder.flush());
        assertEquals(5, tail.size());
        for (int k = 0; k < 5; k++) {
            assertTrue(Arrays.equals(full.get(key + k).y(), tail.get(k).y()), "frame " + (key + k));
        }
    }

    @Test
    void concealmentKeepsFrameCountOfADamagedStream() throws Exception {
        List<byte[]> c = chunks("xvid_asp_bframes.avi");
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        decoder.setConcealErrors(true);
        int frames = 0;
        for (int i = 0; i < c.size(); i++) {
            byte[] chunk = i == 10 ? Arrays.copyOf(c.get(i), c.get(i).length / 3) : c.get(i); // a lone B-VOP
            frames += decoder.decode(chunk).size();
        }
        frames += decoder.flush().size();
        assertEquals(48, frames);
        assertEquals(1, decoder.concealedErrors().size(), decoder.concealedErrors().toString());
        assertTrue(decoder.concealedErrors().get(0).contains("B-VOP"), decoder.concealedErrors().get(0));
    }

    @Test
    void pVopWithoutReferenceIsPredictedFromGray() throws Exception {
        List<byte[]> c = chunks("xvid_simple.avi");
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        decoder.configure(c.get(0)); // headers only: the I-VOP in it is ignored
        assertEquals(240, decoder.height());
        assertEquals(List.of(), decoder.decode(c.get(1)));
        List<Yuv420Frame> held = decoder.flush();
        assertEquals(1, held.size(), "FFmpeg shows a P-VOP decoded without its key frame too");
    }

    @Test
    void wrongTimeIncrementLengthInVolIsRecovered() throws Exception {
        List<byte[]> c = chunks("mpeg4_part2.avi");
        List<Yuv420Frame> good = Mpeg4DecoderFixtureTest.decodeAll(
                Mpeg4DecoderFixtureTest.FIXTURES.resolve("mpeg4_part2.avi"));
        // vop_time_increment_resolution 25 (5-bit increments) becomes 1000 (10 bits): VOPs no longer fit it.
        byte[] first = c.get(0).clone();
        int vol = 0;
        while (!(first[vol] == 0 && first[vol + 1] == 0 && first[vol + 2] == 1 && (first[vol + 3] & 0xF0) == 0x20)) {
            vol++;
        }
        int bit = (vol + 4) * 8 + 1 + 8;
        bit += bitAt(first, bit) == 1 ? 8 : 1;            // is_object_layer_identifier (+verid, priority)
        bit += 4;                                          // aspect_ratio_info (not extended here)
        boolean control = bitAt(first, bit) == 1;
        bit += control ? 1 + 3 + 1 : 1;                    // vol_control_parameters, chroma, low_delay, vbv=0
        bit += 2 + 1;                                      // shape, marker
        assertEquals(25, bitsAt(first, bit, 16));
        setBits(first, bit, 16, 1000);
        c.set(0, first);
        Mpeg4Decoder decoder = new Mpeg4Decoder();
        List<Yuv420Frame> frames = new ArrayList<>();
        for (byte[] chunk : c) {
            frames.addAll(decoder.decode(chunk));
        }
        frames.addAll(decoder.flush());
        assertEquals(good.size(), frames.size());
        for (int k = 0; k < frames.size(); k += 7) {
            assertTrue(Arrays.equals(good.get(k).y(), frames.get(k).y()), "frame " + k);
        }
    }

    private static int bitAt(byte[] b, int bit) {
        return (b[bit >> 3] >> (7 - (bit & 7))) & 1;
    }

    private static int bitsAt(byte[] b, int bit, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bitAt(b, bit + i);
        }
        return v;
    }

    private static void setBits(byte[] b, int bit, int n, int value) {
        for (int i = 0; i < n; i++) {
            int p = bit + i;
            int mask = 1 << (7 - (p & 7));
            b[p >> 3] = (byte) (((value >> (n - 1 - i)) & 1) != 0 ? b[p >> 3] | mask : b[p >> 3] & ~mask);
        }
    }

    /** Message of the exception a VOL with the given fields raises. */
    private static String volError(boolean interlaced, int spriteEnable, boolean dataPartitioned) {
        byte[] vol = vol(interlaced, spriteEnable, dataPartitioned);
        Mpeg4Exception e = assertThrows(Mpeg4Exception.class, () -> new Mpeg4Decoder().configure(vol));
        return e.getMessage();
    }

    /** A 320x240 VOL header (verid 2, 25 ticks/s) with the given fields. */
    private static byte[] vol(boolean interlaced, int spriteEnable, boolean dataPartitioned) {
        BitWriter w = new BitWriter();
        w.put(0x000001, 24).put(0x20, 8);
        w.put(0, 1).put(1, 8);               // random_accessible_vol, video_object_type_indication
        w.put(1, 1).put(2, 4).put(1, 3);     // is_object_layer_identifier, verid 2, priority
        w.put(1, 4).put(0, 1).put(0, 2);     // aspect 1:1, no vol_control_parameters, rectangular
        w.put(1, 1).put(25, 16).put(1, 1);   // marker, vop_time_increment_resolution, marker
        w.put(0, 1).put(1, 1).put(320, 13).put(1, 1).put(240, 13).put(1, 1); // fixed rate 0, size
        w.put(interlaced ? 1 : 0, 1).put(1, 1).put(spriteEnable, 2);
        if (spriteEnable == 1) {
            w.put(320, 13).put(1, 1).put(240, 13).put(1, 1).put(0, 13).put(1, 1).put(0, 13).put(1, 1);
        }
        if (spriteEnable == 1 || spriteEnable == 2) {
            w.put(1, 6).put(0, 2).put(0, 1); // warping points, accuracy, brightness change
        }
        if (spriteEnable == 1) {
            w.put(0, 1); // low_latency_sprite_enable
        }
        w.put(0, 1).put(0, 1).put(0, 1);     // not_8_bit, quant_type, quarter_sample
        w.put(1, 1).put(1, 1).put(dataPartitioned ? 1 : 0, 1);
        if (dataPartitioned) {
            w.put(0, 1);
        }
        w.put(0, 1).put(0, 1).put(0, 1);     // newpred, reduced resolution, scalability
        w.put(0, 1).put(0x7F, 7);            // stuffing
        return w.bytes();
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int n;

        BitWriter put(int value, int bits) {
            for (int i = bits - 1; i >= 0; i--) {
                acc = (acc << 1) | ((value >>> i) & 1);
                if (++n == 8) {
                    out.write((int) acc);
                    acc = 0;
                    n = 0;
                }
            }
            return this;
        }

        byte[] bytes() {
            while (n != 0) {
                put(1, 1);
            }
            return out.toByteArray();
        }
    }
}
