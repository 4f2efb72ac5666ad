package org.vificlip.eval;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy of one evaluation: top-1 and top-5 in percent over the videos evaluated (ViFi-CLIP's
 * {@code validate}), the views each video was seen in, and the confusion matrix (rows: true class,
 * columns: top-1 prediction).
 */
public record EvalResult(double top1, double top5, int videos, int skipped, int clips, int crops,
                         List<String> classes, int[][] confusion, List<String> skippedVideos) {

    public int views() {
        return clips * crops;
    }

    /** One line for logs: {@code top-1 85.0%  top-5 100.0%  (40 videos, 1 view)}. */
    public String summary() {
        return String.format("top-1 %.2f%%  top-5 %.2f%%  (%d videos, %d skipped, %d view%s: %d clip%s x %d crop%s)",
                top1, top5, videos, skipped, views(), views() == 1 ? "" : "s", clips, clips == 1 ? "" : "s",
                crops, crops == 1 ? "" : "s");
    }

    /** The result as JSON: top1, top5 (percent), videos, skipped, views, clips, crops, classes, confusion, skipped_videos. */
    public void writeJson(Path file, Map<String, Object> extra) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("top1", top1);
        json.put("top5", top5);
        json.put("videos", videos);
        json.put("skipped", skipped);
        json.put("views", views());
        json.put("clips", clips);
        json.put("crops", crops);
        json.putAll(extra);
        json.put("classes", classes);
        json.put("confusion", confusion);
        json.put("skipped_videos", skippedVideos);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(json) + "\n");
    }
}
