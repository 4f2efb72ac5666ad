package org.vificlip.spark;

import org.apache.spark.SparkFiles;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.StateDict;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an executor finds the model: the {@code --weights} (and {@code --checkpoint}) paths as the driver
 * was given them. A path that exists on the executor is read there (a shared filesystem); otherwise the
 * file of that name shipped with {@code spark-submit --files} ({@link SparkFiles}).
 */
public record ModelSource(String weights, String checkpoint) implements Serializable {
    public StateDict load() throws IOException {
        Path w = resolve(weights);
        return checkpoint == null ? Checkpoints.load(w) : Checkpoints.loadFineTuned(w, resolve(checkpoint));
    }

    static Path resolve(String file) {
        Path p = Path.of(file);
        if (Files.exists(p)) {
            return p;
        }
        Path shipped = Path.of(SparkFiles.get(p.getFileName().toString()));
        return Files.exists(shipped) ? shipped : p; // p: the reader's error then names the path the user gave
    }
}
