package org.vificlip.video.avi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.video.mpeg4.Mpeg4Decoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.vificlip.video.avi.AviFixtures.*;

/** The demuxer on the fixture AVIs (made by FFmpeg, idx1-indexed) and on rewritten layouts of them. */
class AviFileTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void headersMatchTheFixtures(String name) throws IOException {
        var expected = video(name);
        try (AviFile avi = AviFile.open(dir().resolve(name))) {
            assertEquals(expected.get("width").getAsInt(), avi.width());
            assertEquals(expected.get("height").getAsInt(), avi.height());
            assertEquals(expected.get("fps").getAsDouble(), avi.fps(), 1e-9);
            assertEquals("xvid", avi.fourCC(), "biCompression as FFmpeg's codec_tag_string shows it");
            assertEquals(0, avi.streamNumber());
            assertEquals(0, avi.extradata().length, "FFmpeg's AVI muxer puts the VOL in the first chunk");
            assertEquals(AviFile.IndexSource.IDX1, avi.indexSource());
            // 50 frame slots were written to each file (ffprobe's nb_frames), whatever FFmpeg decodes from them.
            assertEquals(50, avi.streamLength());
            assertEquals(50, avi.avihTotalFrames());
            assertEquals(50, avi.chunks().size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpeg4_part2.avi", "xvid_simple.avi", "xvid_asp_bframes.avi"})
    void keyFramesAndEmptyChunks(String name) throws IOException {
        try (AviFile avi = AviFile.open(dir().resolve(name))) {
            List<Integer> keys = new ArrayList<>();
            List<Integer> empty = new ArrayList<>();
            for (int i = 0; i < avi.chunks().size(); i++) {
                AviFile.Chunk c = avi.chunks().get(i);
                if (c.keyFrame()) {
                    keys.add(i);
                    assertEquals('I', Mpeg4Decoder.scan(avi.read(c)).get(0).type(), "key chunk " + i + " starts with an I-VOP");
                }
                if (c.size() == 0) {
                    empty.add(i);
                }
            }
            // libxvid and FFmpeg's encoder here both use a 12-frame GOP
            assertEquals(List.of(0, 12, 24, 36, 48), keys);
            // libxvid with B-frames writes two empty chunks while its B-frame delay fills
            assertEquals(name.equals("xvid_asp_bframes.avi") ? List.of(1, 2) : List.of(), empty);
            byte[] first = avi.read(avi.chunks().get(0));
            assertEquals(0xB0, first[3] & 0xFF, "chunk 0 opens with the visual object sequence header");
        }
    }

    private static List<byte[]> allChunks(AviFile avi) throws IOException {
        List<byte[]> data = new ArrayList<>();
        for (AviFile.Chunk c : avi.chunks()) {
            data.add(avi.read(c));
        }
        return data;
    }

    private void assertSameFrames(Path original, byte[] variant, AviFile.IndexSource source, boolean keyFlags)
            throws IOException {
        Path file = tmp.resolve("variant.avi");
        Files.write(file, variant);
        try (AviFile a = AviFile.open(original); AviFile b = AviFile.open(file)) {
            assertEquals(source, b.indexSource());
            assertEquals(a.chunks().size(), b.chunks().size());
            List<byte[]> da = allChunks(a);
            List<byte[]> db = allChunks(b);
            for (int i = 0; i < da.size(); i++) {
                assertArrayEquals(da.get(i), db.get(i), "chunk " + i);
                if (keyFlags) {
                    assertEquals(a.chunks().get(i).keyFrame(), b.chunks().get(i).keyFrame(), "key flag " + i);
                }
            }
            assertEquals(a.width(), b.width());
            assertEquals(a.fps(), b.fps());
        }
    }

    @Test
    void withoutIndexTheMoviListIsWalked() throws IOException {
        for (String name : AVIS) {
            Path f = dir().resolve(name);
            assertSameFrames(f, AviVariants.withoutIdx1(Files.readAllBytes(f)), AviFile.IndexSource.SCAN, false);
        }
    }

    @Test
    void absoluteIdx1OffsetsAreDetected() throws IOException {
        Path f = dir().resolve("xvid_asp_bframes.avi");
        assertSameFrames(f, AviVariants.withAbsoluteIdx1(Files.readAllBytes(f)), AviFile.IndexSource.IDX1, true);
    }

    @Test
    void anIdx1PointingNowhereFallsBackToWalking() throws IOException {
        Path f = dir().resolve("xvid_simple.avi");
        assertSameFrames(f, AviVariants.withBrokenIdx1(Files.readAllBytes(f)), AviFile.IndexSource.SCAN, false);
    }

    @Test
    void recListsAreDescended() throws IOException {
        Path f = dir().resolve("xvid_asp_bframes.avi");
        assertSameFrames(f, AviVariants.withRecLists(f), AviFile.IndexSource.SCAN, false);
    }

    @Test
    void openDmlSuperIndexAndAvixExtension() throws IOException {
        for (String name : AVIS) {
            Path f = dir().resolve(name);
            byte[] odml = AviVariants.openDml(f, 20);
            assertSameFrames(f, odml, AviFile.IndexSource.OPENDML, true);
            // the same file without its super index: both movi lists (RIFF AVI and AVIX) are walked
            int indx = find(odml, "indx");
            odml[indx] = 'J';
            odml[indx + 1] = 'U';
            odml[indx + 2] = 'N';
            odml[indx + 3] = 'K';
            assertSameFrames(f, odml, AviFile.IndexSource.SCAN, false);
        }
    }
}
