package org.vificlip.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.cli.Main;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;
import org.vificlip.testing.SynthDatasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vificlip eval} on a synth dataset: its JSON, multi-view, zero-shot prompts, unusable videos. */
class EvalCommandTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    static Path dir;
    static Path data;
    static String weights;

    @BeforeAll
    static void dataset() throws Exception {
        data = SynthDatasets.small(dir.resolve("synth"), 2);
        weights = ClipFixtures.torchScript().toString();
    }

    private JsonObject eval(Path out, String... opts) throws Exception {
        List<String> args = new ArrayList<>(List.of("eval", "--config", data.resolve("config.yaml").toString(),
                "--weights", weights, "--out", out.toString()));
        if (opts.length > 0) {
            args.add("--opts");
            args.addAll(List.of(opts));
        }
        assertEquals(0, cli.run(args.toArray(new String[0])), cli.stderr());
        return JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    }

    @Test
    void singleViewJsonHasTheIssuesFields() throws Exception {
        JsonObject r = eval(dir.resolve("single.json"));
        int videos = r.get("videos").getAsInt();
        assertEquals(6, videos, "2 validation videos per class");
        assertEquals(0, r.get("skipped").getAsInt());
        assertEquals(1, r.get("views").getAsInt());
        assertEquals("a photo of a {}.", r.get("prompt_template").getAsString());
        int total = 0;
        int diagonal = 0;
        var confusion = r.getAsJsonArray("confusion");
        assertEquals(3, confusion.size());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int n = confusion.get(i).getAsJsonArray().get(j).getAsInt();
                total += n;
                diagonal += i == j ? n : 0;
            }
        }
        assertEquals(videos, total, "every video counted once");
        assertEquals(100.0 * diagonal / videos, r.get("top1").getAsDouble(), 1e-9, "top-1 is the confusion diagonal");
        assertEquals(100.0, r.get("top5").getAsDouble(), 1e-9, "3 classes: the top 5 always holds the label");
        assertTrue(cli.stdout().contains("top-1"), cli.stdout());
    }

    @Test
    void multiViewAndZeroShotPrompts() throws Exception {
        JsonObject r = eval(dir.resolve("multi.json"), "TEST.NUM_CLIP", "2", "TEST.NUM_CROP", "3",
                "TRAINER.ViFi_CLIP.ZS_EVAL", "True");
        assertEquals(6, r.get("views").getAsInt());
        assertEquals(2, r.get("clips").getAsInt());
        assertEquals(3, r.get("crops").getAsInt());
        assertEquals("{}", r.get("prompt_template").getAsString(), "ZS_EVAL evaluates with the bare class names");
        assertEquals(6, r.get("videos").getAsInt());
    }

    @Test
    void aMissingVideoIsSkippedAndTooManyStopTheRun() throws Exception {
        List<String> lines = Files.readAllLines(data.resolve("val.txt"));
        Path oneMissing = data.resolve("val_one_missing.txt");
        List<String> withMissing = new ArrayList<>(lines);
        for (int i = 0; i < 30; i++) {
            withMissing.add(lines.get(i % lines.size())); // a longer list, so that one missing video is under 5%
        }
        withMissing.add("videos/nowhere/gone.mp4 0");
        Files.write(oneMissing, withMissing);
        JsonObject r = eval(dir.resolve("missing.json"), "DATA.VAL_FILE", oneMissing.toString());
        assertEquals(36, r.get("videos").getAsInt(), "the missing video is left out");
        assertEquals(1, r.get("skipped").getAsInt(), "and counted");
        assertTrue(r.getAsJsonArray("skipped_videos").get(0).getAsString().contains("gone.mp4"));

        Path mostlyMissing = data.resolve("val_mostly_missing.txt");
        Files.write(mostlyMissing, List.of(lines.get(0), "videos/a.mp4 0", "videos/b.mp4 1"));
        int code = cli.run("eval", "--config", data.resolve("config.yaml").toString(), "--weights", weights,
                "--opts", "DATA.VAL_FILE", mostlyMissing.toString());
        assertEquals(Main.EXIT_BAD_INPUT, code);
        assertTrue(cli.stderr().contains(mostlyMissing.toString()) && cli.stderr().contains("videos/a.mp4"),
                "names the list and the first missing files: " + cli.stderr());
    }
}
