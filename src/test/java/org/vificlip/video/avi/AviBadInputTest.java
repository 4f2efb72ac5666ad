package org.vificlip.video.avi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vificlip.BadInputException;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.vificlip.video.avi.AviFixtures.*;

/** Broken AVIs built from the fixture bytes: each gives a clear error naming the file and the problem. */
class AviBadInputTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(dir().resolve(name));
    }

    /** xvid_simple.avi with the video stream's FourCC (biCompression, 16 bytes into the strf data) replaced. */
    private static byte[] xvidWithFourCC(String fourCC) throws IOException {
        byte[] b = fixture("xvid_simple.avi");
        int strf = find(b, "strf");
        System.arraycopy(fourCC.getBytes(StandardCharsets.ISO_8859_1), 0, b, strf + 8 + 16, 4);
        return b;
    }

    /** Opens and reads every frame within a time limit; returns the error, which must name the file. */
    private static BadInputException failure(Path file) {
        BadInputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                BadInputException.class, () -> {
                    try (VideoReader r = VideoReaders.open(file)) {
                        int[] all = new int[r.info().frameCount()];
                        Arrays.setAll(all, i -> i);
                        r.read(all);
                    }
                }));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 40, 150, 2000, 5760, 20000, 120000, 248940, 249700})
    void truncatedAnywhere(int length) throws IOException {
        Path file = write("cut.avi", Arrays.copyOf(fixture("mpeg4_part2.avi"), length));
        String message = failure(file).getMessage();
        assertTrue(message.contains("truncated"), message);
    }

    @Test
    void tooShortForAHeader() throws IOException {
        Path file = write("tiny.avi", "RIFF\0\0\0\0AVI".getBytes(StandardCharsets.ISO_8859_1));
        String message = assertThrows(BadInputException.class, () -> AviFile.open(file)).getMessage();
        assertTrue(message.contains("too short"), message);
    }

    @Test
    void headerSizeCorrupted() throws IOException {
        byte[] b = fixture("xvid_simple.avi");
        putLe32(b, find(b, "strh") + 4, 0x7FFF_FFF0L);
        String message = failure(write("strh.avi", b)).getMessage();
        assertTrue(message.contains("'strh'") && message.contains("2147483632"), message);

        b = fixture("xvid_simple.avi");
        putLe32(b, find(b, "hdrl") - 4, 3); // a LIST too small to hold its own type
        failure(write("hdrl.avi", b));
    }

    @Test
    void moviChunkSizeCorruptedWithoutIndex() throws IOException {
        byte[] b = AviVariants.withoutIdx1(fixture("xvid_simple.avi"));
        int movi = find(b, "movi");
        putLe32(b, movi + 8, 0x00F0_0000L); // the first frame chunk claims 15 MB
        String message = failure(write("movi.avi", b)).getMessage();
        assertTrue(message.contains("'00dc'") && message.contains("15728640"), message);
    }

    @Test
    void unsupportedFourCC() throws IOException {
        byte[] b = xvidWithFourCC("H264");
        String message = failure(write("h264.avi", b)).getMessage();
        assertTrue(message.contains("FourCC 'H264' is not supported") && message.contains("XVID")
                && message.contains("DX50"), message);
    }

    @Test
    void divx3IsNotMpeg4Part2() throws IOException {
        byte[] b = xvidWithFourCC("DIV3");
        String message = failure(write("div3.avi", b)).getMessage();
        assertTrue(message.contains("FourCC 'DIV3'") && message.contains("DivX 3")
                && message.contains("not MPEG-4 Part 2"), message);
    }

    @Test
    void riffThatIsNotAvi() throws IOException {
        byte[] b = fixture("xvid_simple.avi");
        System.arraycopy("WAVE".getBytes(StandardCharsets.ISO_8859_1), 0, b, 8, 4);
        Path file = write("wave.avi", b);
        String message = assertThrows(BadInputException.class, () -> AviFile.open(file)).getMessage();
        assertTrue(message.contains("'WAVE', not an AVI"), message);
        failure(file); // VideoReaders does not take it for a video either
    }

    @Test
    void noVideoStream() throws IOException {
        byte[] b = fixture("xvid_simple.avi");
        int strh = find(b, "strh");
        System.arraycopy("auds".getBytes(StandardCharsets.ISO_8859_1), 0, b, strh + 8, 4);
        String message = failure(write("audio.avi", b)).getMessage();
        assertTrue(message.contains("no video stream"), message);
    }

    @Test
    void garbageInsideFrameDataNeverHangs() throws IOException {
        byte[] original = fixture("xvid_asp_bframes.avi");
        Random random = new Random(4);
        int movi = find(original, "movi");
        for (int trial = 0; trial < 6; trial++) {
            byte[] b = original.clone();
            // overwrite 200 bytes inside a frame, leaving the container intact
            int at = movi + 20 + random.nextInt(200_000);
            for (int i = 0; i < 200; i++) {
                b[at + i] = (byte) random.nextInt(256);
            }
            Path file = write("garbage" + trial + ".avi", b);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (VideoReader r = VideoReaders.open(file)) {
                    int[] all = new int[r.info().frameCount()];
                    Arrays.setAll(all, i -> i);
                    assertEquals(all.length, r.read(all).size());
                } catch (BadInputException e) {
                    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                }
            });
        }
    }
}
