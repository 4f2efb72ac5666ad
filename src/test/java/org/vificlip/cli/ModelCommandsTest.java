package org.vificlip.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The features, text-features and classify commands end to end on the clip fixture, and their bad inputs. */
class ModelCommandsTest {
    static final Path FIXTURE = Path.of(System.getProperty("fixtures.clip", "src/test/fixtures/clip-tiny-a"));

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void captureStreams() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStreams() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static Path withEnding(String ending, String excluded) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURE)) {
            return files.filter(p -> p.getFileName().toString().endsWith(ending))
                    .filter(p -> !p.getFileName().toString().endsWith(excluded))
                    .findFirst().orElseThrow();
        }
    }

    private static Path weights() throws IOException {
        return withEnding(".pt", ".state_dict.pt");
    }

    private static INDArray npy(Path file) {
        return Nd4j.createFromNpyFile(file.toFile());
    }

    private static INDArray expected(String name) {
        return npy(FIXTURE.resolve("expected").resolve(name));
    }

    /** The fixtures README's tolerance: max |a−b| ≤ 1e-4 + 1e-3·max|b|. */
    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length(), what + ": size");
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
        double error = a.sub(e).amaxNumber().doubleValue();
        double tolerance = 1e-4 + 1e-3 * e.amaxNumber().doubleValue();
        assertTrue(error <= tolerance, what + ": max |error| " + error + " > " + tolerance);
    }

    @Test
    void featuresWritesVideoAndFrameFeatures() throws Exception {
        Path video = tmp.resolve("v.npy");
        Path frames = tmp.resolve("f.npy");
        assertEquals(0, run("features", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--out", video.toString(), "--frame-features", frames.toString()), stderr());
        assertClose("video features", expected("video_features.npy"), npy(video));
        INDArray perFrame = npy(frames);
        INDArray input = npy(FIXTURE.resolve("inputs/video.npy"));
        assertArrayEquals(new long[]{input.size(0), input.size(1), expected("video_features.npy").size(1)}, perFrame.shape());
        assertClose("frame features", expected("frame_features.npy"), perFrame);
    }

    @Test
    void featuresWithViFiClipCheckpoint() throws Exception {
        Path video = tmp.resolve("v.npy");
        assertEquals(0, run("features", "--weights", weights().toString(),
                "--checkpoint", withEnding(".vificlip.pth", "-").toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(), "--out", video.toString()), stderr());
        assertClose("fine-tuned video features", expected("vificlip_checkpoint/video_features.npy"), npy(video));
    }

    @Test
    void textFeaturesOfTheClassPrompts() throws Exception {
        Path text = tmp.resolve("t.npy");
        assertEquals(0, run("text-features", "--weights", weights().toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--template", "a photo of a {}.",
                "--out", text.toString()), stderr());
        assertClose("text features", expected("text_features.npy"), npy(text));
    }

    @Test
    void classifyRanksClassesAndWritesLogits() throws Exception {
        Path logitsFile = tmp.resolve("logits.npy");
        assertEquals(0, run("classify", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--top", "2",
                "--out", logitsFile.toString()), stderr());
        INDArray logits = expected("logits.npy");
        assertClose("logits", logits, npy(logitsFile));
        List<String> classes = Files.readAllLines(FIXTURE.resolve("classes.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        String[] lines = stdout().split("\\R");
        for (int b = 0; b < logits.rows(); b++) {
            int video = Arrays.asList(lines).indexOf("video " + b + ":");
            assertTrue(video >= 0, stdout());
            int best = logits.getRow(b).argMax().getInt(0);
            double probability = 100 * Math.exp(logits.getDouble(b, best))
                    / Nd4j.math.exp(logits.getRow(b).dup()).sumNumber().doubleValue();
            assertEquals(String.format("  %6.2f%%  %s", probability, classes.get(best)), lines[video + 1]);
            assertTrue(lines[video + 2].endsWith("%  " + classes.get(secondBest(logits.getRow(b)))), lines[video + 2]);
            assertTrue(lines.length <= video + 3 || !lines[video + 3].startsWith("  "), "--top 2 shows two classes");
        }
    }

    private static int secondBest(INDArray row) {
        int best = row.argMax().getInt(0);
        int second = best == 0 ? 1 : 0;
        for (int c = 0; c < row.length(); c++) {
            if (c != best && row.getDouble(c) > row.getDouble(second)) {
                second = c;
            }
        }
        return second;
    }

    /** Many videos and prompts go through the graph a group at a time: the same numbers. */
    @Test
    void encodingInGroups() throws Exception {
        org.vificlip.model.ClipModel model = org.vificlip.model.ClipModel.build(
                org.vificlip.checkpoint.Checkpoints.load(weights()));
        INDArray frames = npy(FIXTURE.resolve("inputs/video.npy"));
        var features = FeaturesCommand.encode(model, frames, 1);   // one video per run
        assertClose("video features, one video a run", expected("video_features.npy"), features.video());
        assertClose("frame features, one video a run", expected("frame_features.npy"), features.frames());
        INDArray tokens = npy(FIXTURE.resolve("inputs/text_tokens.npy")).castTo(DataType.INT);
        int[][] rows = new int[(int) tokens.rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = tokens.getRow(i).toIntVector();
        }
        assertClose("text features, two prompts a run", expected("text_features.npy"),
                TextFeaturesCommand.encode(model, rows, 2));
    }

    /** The fixture videos, for --video (the video pipeline itself is checked against FFmpeg/OpenCV in org.vificlip.video). */
    private static final Path VIDEOS = Path.of(System.getProperty("fixtures.videos", "src/test/fixtures/videos"));

    @Test
    void featuresOfVideoFilesEqualFeaturesOfTheirSampledFrames() throws Exception {
        Path mp4 = VIDEOS.resolve("h264_main_bframes.mp4");
        Path avi = VIDEOS.resolve("xvid_asp_bframes.avi");
        int size = (int) npy(FIXTURE.resolve("inputs/video.npy")).size(3);
        // the same frames through the sample command: [T,3,S,S] each, stacked to [2,T,3,S,S]
        INDArray[] clips = new INDArray[2];
        Path[] videos = {mp4, avi};
        for (int i = 0; i < 2; i++) {
            Path sampled = tmp.resolve("s" + i + ".npy");
            assertEquals(0, run("sample", "--video", videos[i].toString(), "--frames", "4", "--size", Integer.toString(size),
                    "--out", sampled.toString()), stderr());
            INDArray clip = npy(sampled);
            clips[i] = clip.reshape(1, clip.size(0), clip.size(1), clip.size(2), clip.size(3));
        }
        Path stacked = tmp.resolve("stacked.npy");
        Nd4j.writeAsNumpy(Nd4j.concat(0, clips), stacked.toFile());
        Path fromFrames = tmp.resolve("from-frames.npy");
        assertEquals(0, run("features", "--weights", weights().toString(), "--frames", stacked.toString(),
                "--out", fromFrames.toString()), stderr());

        Path fromVideos = tmp.resolve("from-videos.npy");
        assertEquals(0, run("features", "--weights", weights().toString(), "--video", mp4.toString(), avi.toString(),
                "--num-frames", "4", "--out", fromVideos.toString()), stderr());
        assertClose("features of --video vs --frames", npy(fromFrames), npy(fromVideos));
        assertArrayEquals(new long[]{2, expected("video_features.npy").size(1)}, npy(fromVideos).shape());
    }

    @Test
    void classifyVideoFilesAndTheirErrors() throws Exception {
        Path labels = FIXTURE.resolve("classes.txt");
        assertEquals(0, run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", VIDEOS.resolve("h264_high.mp4").toString(), "--top", "2"), stderr());
        assertTrue(stdout().startsWith("video 0:"), stdout());

        Path bad = VIDEOS.resolve("bad_truncated.mp4");
        assertEquals(Main.EXIT_BAD_INPUT, run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", bad.toString()));
        assertTrue(stderr().contains(bad.toString()), stderr());

        assertEquals(Main.EXIT_BAD_INPUT, run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", bad.toString(), "--frames", FIXTURE.resolve("inputs/video.npy").toString()));
        assertTrue(stderr().contains("exactly one of --frames"), stderr());
    }

    @Test
    void helpOnEachCommand() {
        for (String command : List.of("features", "text-features", "classify")) {
            assertEquals(0, run(command, "--help"), command);
            assertTrue(stdout().contains("--weights") && stdout().contains("vificlip " + command), stdout());
        }
    }

    @Test
    void missingRequiredOption() throws Exception {
        assertEquals(Main.EXIT_BAD_INPUT, run("features", "--frames", "x.npy", "--out", "y.npy"));
        assertTrue(stderr().contains("weights"), stderr());
        assertEquals(Main.EXIT_BAD_INPUT, run("features", "--weights", weights().toString(), "--out", "y.npy"));
        assertTrue(stderr().contains("frames"), stderr());
    }

    @Test
    void badFramesFilesAreNamedWithTheProblem() throws Exception {
        Path missing = tmp.resolve("missing.npy");
        assertBadFrames(missing, "file not found");

        Path text = tmp.resolve("text.npy");
        Files.writeString(text, "hello, not an array");
        assertBadFrames(text, "not a .npy file");

        byte[] good = Files.readAllBytes(FIXTURE.resolve("inputs/video.npy"));
        Path truncated = tmp.resolve("truncated.npy");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertBadFrames(truncated, "truncated");

        Path brokenHeader = tmp.resolve("broken.npy");
        byte[] broken = good.clone();
        for (int i = 10; i < 40; i++) {
            broken[i] = 'x';
        }
        Files.write(brokenHeader, broken);
        assertBadFrames(brokenHeader, "header");

        int s = (int) npy(FIXTURE.resolve("inputs/video.npy")).size(4);
        Path rank4 = tmp.resolve("rank4.npy");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.FLOAT, 2, 3, s, s), rank4.toFile());
        assertBadFrames(rank4, "rank 4");

        Path wrongSize = tmp.resolve("wrong-size.npy");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.FLOAT, 1, 2, 3, s + 8, s + 8), wrongSize.toFile());
        assertBadFrames(wrongSize, "resolution is " + s);

        Path doubles = tmp.resolve("doubles.npy");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.DOUBLE, 1, 2, 3, s, s), doubles.toFile());
        assertBadFrames(doubles, "float32");
    }

    private void assertBadFrames(Path frames, String problem) throws IOException {
        int code = run("features", "--weights", weights().toString(), "--frames", frames.toString(),
                "--out", tmp.resolve("out.npy").toString());
        assertEquals(Main.EXIT_BAD_INPUT, code, stderr());
        assertTrue(stderr().contains(frames.toString()) && stderr().contains(problem),
                "expected '" + problem + "' naming " + frames + ", got: " + stderr());
    }

    @Test
    void badLabelsAndTemplate() throws Exception {
        Path missing = tmp.resolve("no-labels.txt");
        assertEquals(Main.EXIT_BAD_INPUT, run("text-features", "--weights", weights().toString(),
                "--labels", missing.toString(), "--out", tmp.resolve("t.npy").toString()));
        assertTrue(stderr().contains(missing.toString()), stderr());
        assertEquals(Main.EXIT_BAD_INPUT, run("text-features", "--weights", weights().toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--template", "no placeholder",
                "--out", tmp.resolve("t.npy").toString()));
        assertTrue(stderr().contains("--template"), stderr());
        assertEquals(Main.EXIT_BAD_INPUT, run("classify", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--top", "zero"));
        assertTrue(stderr().contains("--top"), stderr());
    }
}
