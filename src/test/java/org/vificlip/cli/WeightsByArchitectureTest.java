package org.vificlip.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.download.ModelCache;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/**
 * {@code --weights ViT-B/16} and a config's {@code MODEL.ARCH} read the download cache: the fixture CLIP is put
 * there under ViT-B/16's file name, so the reference outputs show that exactly that file was loaded.
 */
class WeightsByArchitectureTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    Path tmp;
    private Path cache;

    @BeforeEach
    void pointTheCacheHere() {
        cache = tmp.resolve("cache");
        System.setProperty(ModelCache.PROPERTY, cache.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty(ModelCache.PROPERTY);
    }

    private void cacheTheFixtureAsViTB16() throws Exception {
        Files.createDirectories(cache);
        Files.copy(ClipFixtures.torchScript(), cache.resolve("ViT-B-16.pt"));
    }

    @Test
    void architectureNameLoadsTheCachedFile() throws Exception {
        cacheTheFixtureAsViTB16();
        Path out = tmp.resolve("v.npy");
        assertEquals(0, cli.run("features", "--weights", "ViT-B/16",
                "--frames", ClipFixtures.file("inputs/video.npy").toString(), "--out", out.toString()), cli.stderr());
        assertClose("video features", ClipFixtures.npy("expected/video_features.npy"), Nd4j.createFromNpyFile(out.toFile()));
        assertEquals(0, cli.run("weights", "--weights", "ViT-B/16"), cli.stderr());
    }

    @Test
    void missingCachedFileNamesTheDownloadCommand() {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("classify", "--weights", "ViT-L/14",
                "--frames", ClipFixtures.file("inputs/video.npy").toString(),
                "--labels", ClipFixtures.file("classes.txt").toString()));
        assertTrue(cli.stderr().contains("vificlip download ViT-L/14"), cli.stderr());
        assertTrue(cli.stderr().contains(cache.resolve("ViT-L-14.pt").toString()), cli.stderr());
    }

    @Test
    void configArchitectureIsUsedWithoutWeights() throws Exception {
        Path data = tmp.resolve("synth");
        assertEquals(0, cli.run("synth", "--out", data.toString(), "--classes", "3", "--videos-per-class", "3",
                "--size", "48x48", "--frames", "8", "--seed", "4", "--input-size", "32", "--num-frames", "2"), cli.stderr());
        String config = data.resolve("config.yaml").toString();
        assertTrue(Files.readString(data.resolve("config.yaml")).contains("ARCH: ViT-B/16"));

        assertEquals(Main.EXIT_BAD_INPUT, cli.run("eval", "--config", config, "--out", tmp.resolve("x.json").toString()));
        assertTrue(cli.stderr().contains("vificlip download ViT-B/16"), cli.stderr());

        cacheTheFixtureAsViTB16();
        Path byArch = tmp.resolve("arch.json");
        Path byFile = tmp.resolve("file.json");
        assertEquals(0, cli.run("eval", "--config", config, "--out", byArch.toString()), cli.stderr());
        assertTrue(cli.stderr().contains("MODEL.ARCH ViT-B/16"), cli.stderr());
        assertEquals(0, cli.run("eval", "--config", config, "--weights", ClipFixtures.torchScript().toString(),
                "--out", byFile.toString()), cli.stderr());
        JsonObject a = JsonParser.parseString(Files.readString(byArch)).getAsJsonObject();
        JsonObject f = JsonParser.parseString(Files.readString(byFile)).getAsJsonObject();
        assertEquals(f.get("confusion"), a.get("confusion"));
        assertEquals(f.get("top1").getAsDouble(), a.get("top1").getAsDouble(), 1e-12);
    }
}
