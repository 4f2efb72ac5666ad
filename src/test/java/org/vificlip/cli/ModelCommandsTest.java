package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;
import org.vificlip.video.VideoFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/** The features, text-features and classify commands end to end on the clip fixture, and their bad inputs. */
class ModelCommandsTest {
    static final Path FIXTURE = ClipFixtures.dir();

    @TempDir
    Path tmp;

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    private static Path weights() throws IOException {
        return ClipFixtures.torchScript();
    }

    private static INDArray npy(Path file) {
        return Nd4j.createFromNpyFile(file.toFile());
    }

    private static INDArray expected(String name) {
        return npy(FIXTURE.resolve("expected").resolve(name));
    }

    @Test
    void featuresWritesVideoAndFrameFeatures() throws Exception {
        Path video = tmp.resolve("v.npy");
        Path frames = tmp.resolve("f.npy");
        assertEquals(0, cli.run("features", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--out", video.toString(), "--frame-features", frames.toString()), cli.stderr());
        assertClose("video features", expected("video_features.npy"), npy(video));
        INDArray perFrame = npy(frames);
        INDArray input = npy(FIXTURE.resolve("inputs/video.npy"));
        assertArrayEquals(new long[]{input.size(0), input.size(1), expected("video_features.npy").size(1)}, perFrame.shape());
        assertClose("frame features", expected("frame_features.npy"), perFrame);
    }

    @Test
    void featuresWithViFiClipCheckpoint() throws Exception {
        Path video = tmp.resolve("v.npy");
        assertEquals(0, cli.run("features", "--weights", weights().toString(),
                "--checkpoint", ClipFixtures.vificlip().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(), "--out", video.toString()), cli.stderr());
        assertClose("fine-tuned video features", expected("vificlip_checkpoint/video_features.npy"), npy(video));
    }

    @Test
    void textFeaturesOfTheClassPrompts() throws Exception {
        Path text = tmp.resolve("t.npy");
        assertEquals(0, cli.run("text-features", "--weights", weights().toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--template", "a photo of a {}.",
                "--out", text.toString()), cli.stderr());
        assertClose("text features", expected("text_features.npy"), npy(text));
    }

    @Test
    void classifyRanksClassesAndWritesLogits() throws Exception {
        Path logitsFile = tmp.resolve("logits.npy");
        assertEquals(0, cli.run("classify", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--top", "2",
                "--out", logitsFile.toString()), cli.stderr());
        String shown = cli.stdout();   // before assertClose prints its measurement
        INDArray logits = expected("logits.npy");
        assertClose("logits", logits, npy(logitsFile));
        List<String> classes = Files.readAllLines(FIXTURE.resolve("classes.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        String[] lines = shown.split("\\R");
        for (int b = 0; b < logits.rows(); b++) {
            int video = Arrays.asList(lines).indexOf("video " + b + ":");
            assertTrue(video >= 0, shown);
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
        int[][] rows = ClipFixtures.textTokens();
        assertClose("text features, two prompts a run", expected("text_features.npy"),
                TextFeaturesCommand.encode(model, rows, 2));
    }

    /** The fixture videos, for --video (the video pipeline itself is checked against FFmpeg/OpenCV in org.vificlip.video). */
    private static final Path VIDEOS = VideoFixtures.DIR;

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
            assertEquals(0, cli.run("sample", "--video", videos[i].toString(), "--frames", "4", "--size", Integer.toString(size),
                    "--out", sampled.toString()), cli.stderr());
            INDArray clip = npy(sampled);
            clips[i] = clip.reshape(1, clip.size(0), clip.size(1), clip.size(2), clip.size(3));
        }
        Path stacked = tmp.resolve("stacked.npy");
        Nd4j.writeAsNumpy(Nd4j.concat(0, clips), stacked.toFile());
        Path fromFrames = tmp.resolve("from-frames.npy");
        assertEquals(0, cli.run("features", "--weights", weights().toString(), "--frames", stacked.toString(),
                "--out", fromFrames.toString()), cli.stderr());

        Path fromVideos = tmp.resolve("from-videos.npy");
        assertEquals(0, cli.run("features", "--weights", weights().toString(), "--video", mp4.toString(), avi.toString(),
                "--num-frames", "4", "--out", fromVideos.toString()), cli.stderr());
        assertClose("features of --video vs --frames", npy(fromFrames), npy(fromVideos));
        assertArrayEquals(new long[]{2, expected("video_features.npy").size(1)}, npy(fromVideos).shape());
    }

    @Test
    void classifyVideoFilesAndTheirErrors() throws Exception {
        Path labels = FIXTURE.resolve("classes.txt");
        assertEquals(0, cli.run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", VIDEOS.resolve("h264_high.mp4").toString(), "--top", "2"), cli.stderr());
        assertTrue(cli.stdout().startsWith("video 0:"), cli.stdout());

        Path bad = VIDEOS.resolve("bad_truncated.mp4");
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", bad.toString()));
        assertTrue(cli.stderr().contains(bad.toString()), cli.stderr());

        assertEquals(Main.EXIT_BAD_INPUT, cli.run("classify", "--weights", weights().toString(), "--labels", labels.toString(),
                "--video", bad.toString(), "--frames", FIXTURE.resolve("inputs/video.npy").toString()));
        assertTrue(cli.stderr().contains("exactly one of --frames"), cli.stderr());
    }

    @Test
    void helpOnEachCommand() {
        for (String command : List.of("features", "text-features", "classify")) {
            assertEquals(0, cli.run(command, "--help"), command);
            assertTrue(cli.stdout().contains("--weights") && cli.stdout().contains("vificlip " + command), cli.stdout());
        }
    }

    @Test
    void missingRequiredOption() throws Exception {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("features", "--frames", "x.npy", "--out", "y.npy"));
        assertTrue(cli.stderr().contains("weights"), cli.stderr());
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("features", "--weights", weights().toString(), "--out", "y.npy"));
        assertTrue(cli.stderr().contains("frames"), cli.stderr());
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
        int code = cli.run("features", "--weights", weights().toString(), "--frames", frames.toString(),
                "--out", tmp.resolve("out.npy").toString());
        assertEquals(Main.EXIT_BAD_INPUT, code, cli.stderr());
        assertTrue(cli.stderr().contains(frames.toString()) && cli.stderr().contains(problem),
                "expected '" + problem + "' naming " + frames + ", got: " + cli.stderr());
    }

    @Test
    void badLabelsAndTemplate() throws Exception {
        Path missing = tmp.resolve("no-labels.txt");
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("text-features", "--weights", weights().toString(),
                "--labels", missing.toString(), "--out", tmp.resolve("t.npy").toString()));
        assertTrue(cli.stderr().contains(missing.toString()), cli.stderr());
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("text-features", "--weights", weights().toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--template", "no placeholder",
                "--out", tmp.resolve("t.npy").toString()));
        assertTrue(cli.stderr().contains("--template"), cli.stderr());
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("classify", "--weights", weights().toString(),
                "--frames", FIXTURE.resolve("inputs/video.npy").toString(),
                "--labels", FIXTURE.resolve("classes.txt").toString(), "--top", "zero"));
        assertTrue(cli.stderr().contains("--top"), cli.stderr());
    }
}
