package org.vificlip.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.data.VideoListEntry;
import org.vificlip.data.VideoListFile;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;
import org.vificlip.testing.SynthDatasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/**
 * {@code --list FILE} in {@code features} and {@code classify}: a synth dataset's list with one corrupt video in
 * the middle; the streamed rows must be exactly those of the same videos given with {@code --video}, in list
 * order, and the corrupt one named.
 */
class ListInputTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    static Path dir;
    static Path data;
    static Path list;
    static List<VideoListEntry> good;
    static String weights;

    @BeforeAll
    static void datasetWithOneCorruptVideo() throws Exception {
        data = SynthDatasets.small(dir.resolve("synth"), 3);
        weights = ClipFixtures.torchScript().toString();
        List<VideoListEntry> val = VideoListFile.read(data.resolve("val.txt"), data);
        Path corrupt = data.resolve("corrupt.mp4");
        Files.write(corrupt, new byte[]{0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 1, 2, 3});
        List<String> lines = new ArrayList<>();
        good = new ArrayList<>();
        for (int i = 0; i < val.size(); i++) {
            if (i == 2) {
                lines.add("corrupt.mp4 1");
            }
            lines.add(data.relativize(val.get(i).video()) + " " + val.get(i).label());
            good.add(val.get(i));
        }
        list = dir.resolve("lists/val-with-corrupt.txt");
        Files.createDirectories(list.getParent());
        Files.write(list, lines);
    }

    private String[] videoArgs() {
        List<String> args = new ArrayList<>();
        args.add("--video");
        good.forEach(e -> args.add(e.video().toString()));
        return args.toArray(String[]::new);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void featuresStreamsOneRowPerUsableVideoInListOrder() throws Exception {
        Path out = dir.resolve("listed.npy");
        assertEquals(0, cli.run("features", "--weights", weights, "--list", list.toString(), "--root", data.toString(),
                "--num-frames", "4", "--threads", "2", "--out", out.toString(),
                "--frame-features", dir.resolve("listed-frames.npy").toString()), cli.stderr());
        assertTrue(cli.stderr().contains("corrupt.mp4"), cli.stderr());
        assertTrue(cli.stderr().contains("1 skipped"), cli.stderr());

        List<VideoListEntry> rows = VideoListFile.read(dir.resolve("listed.txt"), null);
        assertEquals(good.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(good.get(i).video(), rows.get(i).video());
            assertEquals(good.get(i).label(), rows.get(i).label());
        }

        Path direct = dir.resolve("direct.npy");
        assertEquals(0, cli.run(concat(new String[]{"features", "--weights", weights, "--num-frames", "4",
                "--out", direct.toString()}, videoArgs())), cli.stderr());
        INDArray listed = Nd4j.createFromNpyFile(out.toFile());
        assertArrayEquals(new long[]{good.size(), 64}, listed.shape());
        assertClose("streamed vs --video features", Nd4j.createFromNpyFile(direct.toFile()), listed);
        assertArrayEquals(new long[]{good.size(), 4, 64}, Nd4j.createFromNpyFile(dir.resolve("listed-frames.npy").toFile()).shape());
    }

    @Test
    void classifyRanksEachListedVideoAndScoresTheLabels() throws Exception {
        Path logits = dir.resolve("logits.npy");
        assertEquals(0, cli.run("classify", "--weights", weights, "--list", list.toString(), "--root", data.toString(),
                "--labels", data.resolve("labels.csv").toString(), "--num-frames", "4", "--top", "2",
                "--out", logits.toString()), cli.stderr());
        String stdout = cli.stdout();
        assertTrue(stdout.contains("(1 skipped)"), stdout);
        assertTrue(stdout.contains("top-1 "), stdout);
        int at = -1;
        for (VideoListEntry e : good) {
            int next = stdout.indexOf(e.video().toString(), at + 1);
            assertTrue(next > at, "listed in list order: " + e.video());
            at = next;
        }
        assertArrayEquals(new long[]{good.size(), 3}, Nd4j.createFromNpyFile(logits.toFile()).shape());

        Path direct = dir.resolve("direct-logits.npy");
        assertEquals(0, cli.run(concat(new String[]{"classify", "--weights", weights, "--num-frames", "4",
                "--labels", data.resolve("labels.csv").toString(), "--out", direct.toString()}, videoArgs())), cli.stderr());
        assertClose("streamed vs --video logits", Nd4j.createFromNpyFile(direct.toFile()), Nd4j.createFromNpyFile(logits.toFile()));
    }

    @Test
    void listAndVideoTogetherIsAnError() {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run(concat(new String[]{"features", "--weights", weights, "--list",
                list.toString(), "--out", dir.resolve("x.npy").toString()}, videoArgs())));
        assertTrue(cli.stderr().contains("exactly one of"), cli.stderr());
    }
}
