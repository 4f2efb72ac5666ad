package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.ClipFixtures;
import org.vificlip.testing.MainRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vificlip demo} at a reduced size (4 classes, 3 videos each, 2 epochs of fine-tuning, 1 of prompt learning):
 * two runs with the same seed give the same metrics and table, the bridge-and-prompt stage ran (its row has numbers,
 * its run trained only the prompts), and every file the report links or shows exists and is not empty.
 */
class DemoCommandTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    Path tmp;

    private Path demo(String name, String seed) throws Exception {
        Path out = tmp.resolve(name);
        assertEquals(0, cli.run("demo", "--out", out.toString(), "--seed", seed, "--weights",
                ClipFixtures.torchScript().toString(), "--classes", "4", "--videos-per-class", "3", "--epochs", "2",
                "--prompt-epochs", "1", "--threads", "2"), cli.stderr());
        assertTrue(cli.stdout().contains("| ViFi-CLIP (fine-tuned on base)"), cli.stdout());
        return out;
    }

    @Test
    void sameSeedSameNumbersAndTheReportIsComplete() throws Exception {
        Path a = demo("a", "5");
        Path b = demo("b", "5");
        assertEquals(Files.readString(a.resolve("metrics.json")), Files.readString(b.resolve("metrics.json")));
        assertEquals(Files.readString(a.resolve("results.md")), Files.readString(b.resolve("results.md")));
        String table = Files.readString(a.resolve("results.md"));
        assertTrue(table.contains("| CLIP (zero-shot)"), table);
        assertTrue(Pattern.compile("\\| ViFi-CLIP bridge \\+ prompts \\(4-shot\\) +\\| +\\d+\\.\\d\\d \\| +\\d+\\.\\d\\d \\|")
                .matcher(table).find(), "the bridge-and-prompt row has base and novel numbers: " + table);
        assertTrue(Files.readString(a.resolve("prompt/log.txt")).contains("training the prompts (4 tensors, 2048 values)"),
                "the stage trains only the prompts, N_CTX 4 a side to depth 2");

        String html = Files.readString(a.resolve("index.html"));
        Set<String> linked = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            linked.add(m.group(1));
        }
        for (String required : new String[]{"train/loss.png", "train/accuracy.png", "confusion_base.png",
                "confusion_novel.png", "frames.png", "metrics.json", "prompt/log.txt"}) {
            assertTrue(linked.contains(required), "the page links " + required + ": " + linked);
        }
        for (String link : linked) {
            Path file = a.resolve(link);
            assertTrue(Files.isRegularFile(file) && Files.size(file) > 0, "linked file exists: " + link);
            if (link.endsWith(".png")) {
                byte[] head = Files.readAllBytes(file);
                assertTrue(head[1] == 'P' && head[2] == 'N' && head[3] == 'G', link + " is a PNG");
            }
        }
    }
}
