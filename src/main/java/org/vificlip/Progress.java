package org.vificlip;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.temporal.ChronoUnit;

/**
 * Progress bars for long loops (training epochs, evaluation, dataset writing), from the progressbar
 * library: count, rate, elapsed time and ETA, plus a free-text message (loss, learning rate). They
 * draw on standard error so that a command's standard output stays its result.
 */
public final class Progress {
    private Progress() {
    }

    /** A bar over {@code total} items of {@code unit} (e.g. "videos"); close it when done. */
    public static ProgressBar bar(String task, long total, String unit) {
        return ascii(task, total).setUnit(" " + unit, 1).build();
    }

    /** A bar over a transfer of {@code totalBytes} (-1 if unknown), counted in MiB; close it when done. */
    public static ProgressBar bytes(String task, long totalBytes) {
        return ascii(task, totalBytes).setUnit(" MiB", 1 << 20).build();
    }

    /** Our bars' look: ASCII on stderr, redrawn once a second, with the speed. */
    private static ProgressBarBuilder ascii(String task, long total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 140));
    }
}
