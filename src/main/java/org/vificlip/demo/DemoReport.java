package org.vificlip.demo;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's report files: {@code metrics.json} (every number, the same for the same seed), {@code timings.json}
 * (seconds per stage, which vary), {@code results.md} (the table) and a one-page {@code index.html} that shows
 * the table and the plots and links every other file, all by relative paths so the folder can be moved.
 */
final class DemoReport {
    /** Images shown on the page, with captions, in page order (paths relative to the demo folder). */
    static final List<String[]> FIGURES = List.of(
            new String[]{"train/loss.png", "Training loss per step (fine-tuning on the base classes)"},
            new String[]{"train/accuracy.png", "Validation accuracy on the base classes during fine-tuning"},
            new String[]{"train/lr.png", "Learning rate: warm-up, then cosine decay"},
            new String[]{"confusion_base.png", "Confusion matrix, base classes, after fine-tuning"},
            new String[]{"confusion_novel.png", "Confusion matrix, novel classes (never trained on), after fine-tuning"},
            new String[]{"frames.png", "The 8 frames the model sees of a few validation videos, with its predictions"});

    /** Other files linked from the page. */
    static final List<String[]> FILES = List.of(
            new String[]{"results.md", "the results table"},
            new String[]{"metrics.json", "every number of this run"},
            new String[]{"timings.json", "seconds per stage"},
            new String[]{"train/metrics.csv", "per-step loss, learning rate, speed; per-evaluation accuracy"},
            new String[]{"train/log.txt", "the training log"},
            new String[]{"train/config.yaml", "the ViFi-CLIP config the fine-tuning ran"},
            new String[]{"prompt/log.txt", "the prompt-learning log (bridge and prompt)"},
            new String[]{"prompt/config.yaml", "the ViFi-CLIP config (PROMPT_MODEL) the prompt learning ran"},
            new String[]{"data/README.txt", "what the synthetic dataset holds"},
            new String[]{"data/labels.csv", "class names"},
            new String[]{"data/base_train.txt", "training list (base classes)"});

    private DemoReport() {
    }

    static Path write(Path out, ResultsTable table, Map<String, Object> metrics, Map<String, Double> seconds,
                      double totalSeconds) throws IOException {
        var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
        Files.writeString(out.resolve("metrics.json"), gson.toJson(metrics) + "\n");
        Map<String, Object> timings = new LinkedHashMap<>(seconds);
        timings.put("total", totalSeconds);
        Files.writeString(out.resolve("timings.json"), gson.toJson(timings) + "\n");
        Files.writeString(out.resolve("results.md"), table.markdown());

        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>vificlip demo</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:right}\n")
                .append("td:first-child,th:first-child{text-align:left}.note{text-align:left;color:#666;border:none}\n")
                .append("caption{text-align:left;font-weight:bold;margin-bottom:.5em}\n")
                .append("figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}figcaption{color:#555}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>ViFi-CLIP in miniature</h1>\n");
        h.append("<p>A synthetic video dataset (coloured shapes in motion, ").append(metrics.get("classes"))
                .append(" classes, seed ").append(metrics.get("seed")).append(") and a small CLIP (")
                .append(ResultsTable.escape(String.valueOf(metrics.get("weights"))))
                .append("): zero-shot accuracy first, then ViFi-CLIP fine-tuning of both encoders on the base classes ")
                .append("for ").append(metrics.get("epochs")).append(" epochs, then accuracy on the base classes and on ")
                .append("the novel classes, which training never saw. The bundled CLIP has random weights: it knows ")
                .append("nothing before training, so its zero-shot accuracy is near chance; whatever it gets right on the novel classes ")
                .append("after fine-tuning comes from the words and looks they share with the base classes (colours, ")
                .append("shapes, motions). With OpenAI's weights ")
                .append("(<code>vificlip download ViT-B/16</code>) the same steps run on real videos, much more slowly on a CPU.</p>\n");
        h.append(table.html());
        h.append(String.format(Locale.ROOT, "<p>Ran in %.0f s.</p>%n", totalSeconds));
        for (String[] f : FIGURES) {
            h.append("<figure><img src=\"").append(f[0]).append("\" alt=\"").append(ResultsTable.escape(f[1]))
                    .append("\"><figcaption>").append(ResultsTable.escape(f[1])).append(" (<a href=\"").append(f[0])
                    .append("\">").append(f[0]).append("</a>)</figcaption></figure>\n");
        }
        h.append("<h2>Files</h2>\n<ul>\n");
        for (String[] f : FILES) {
            if (!Files.exists(out.resolve(f[0]))) {
                continue; // the prompt stage's files when this build has none
            }
            h.append("<li><a href=\"").append(f[0]).append("\">").append(f[0]).append("</a>: ")
                    .append(ResultsTable.escape(f[1])).append("</li>\n");
        }
        h.append("</ul>\n</body>\n</html>\n");
        Path index = out.resolve("index.html");
        Files.writeString(index, h.toString());
        return index;
    }
}
