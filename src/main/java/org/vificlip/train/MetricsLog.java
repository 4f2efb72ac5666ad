package org.vificlip.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's record in its output directory: {@code log.txt} (what ViFi-CLIP's logger writes: config,
 * periodic training lines, accuracies, checkpoints) and {@code metrics.csv}, one row per training step
 * ({@code step}: epoch, step, loss, lr, videos/s) and per evaluation ({@code eval}: epoch, top-1, top-5).
 * Both are appended to, so a resumed run continues the same files; rows are flushed as written, so a
 * killed run keeps what it did.
 */
public final class MetricsLog implements AutoCloseable {
    static final String HEADER = "kind,epoch,step,loss,lr,videos_per_s,top1,top5";

    /** A step row as read back for plotting. */
    public record Row(String kind, int epoch, long step, double loss, double lr, double videosPerSecond,
                      double top1, double top5) {
    }

    private final Path csv;
    private final BufferedWriter metrics;
    private final BufferedWriter log;

    public MetricsLog(Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        this.csv = outputDir.resolve("metrics.csv");
        boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
        this.metrics = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (fresh) {
            metrics.write(HEADER + "\n");
            metrics.flush();
        }
        this.log = Files.newBufferedWriter(outputDir.resolve("log.txt"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public Path csv() {
        return csv;
    }

    /** A line in log.txt, time-stamped; also echoed to standard error when {@code echo}. */
    public void log(String line, boolean echo) throws IOException {
        String stamped = "[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + "] " + line;
        log.write(stamped + "\n");
        log.flush();
        if (echo) {
            System.err.println(line);
        }
    }

    /** @param step the global batch index (epoch · batches per epoch + batch) */
    public void step(int epoch, long step, double loss, double lr, double videosPerSecond) throws IOException {
        metrics.write(String.format(Locale.ROOT, "step,%d,%d,%.6f,%.6e,%.3f,,%n", epoch, step, loss, lr, videosPerSecond));
        metrics.flush();
    }

    public void evaluation(int epoch, long step, double top1, double top5) throws IOException {
        metrics.write(String.format(Locale.ROOT, "eval,%d,%d,,,,%.4f,%.4f%n", epoch, step, top1, top5));
        metrics.flush();
    }

    /**
     * The rows of a metrics.csv. A resumed run appends the epochs it re-ran, so a later row for the same
     * (kind, step) replaces an earlier one.
     */
    public static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("kind,")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 8) {
                continue; // a line cut short by a kill
            }
            Row row = new Row(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), num(f[3]), num(f[4]), num(f[5]),
                    num(f[6]), num(f[7]));
            rows.removeIf(r -> r.kind().equals(row.kind()) && r.step() >= row.step() && r.epoch() >= row.epoch());
            rows.add(row);
        }
        return rows;
    }

    private static double num(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    @Override
    public void close() throws IOException {
        metrics.close();
        log.close();
    }
}
