package org.vificlip.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * PNG plots of a run's metrics.csv, drawn with XChart: training loss and learning rate per step, top-1 and
 * top-5 per evaluation. Written to the output directory next to the CSV: loss.png, lr.png, accuracy.png.
 */
public final class TrainingPlots {
    static {
        // drawing needs no display (servers, CI)
        System.setProperty("java.awt.headless", "true");
    }

    private TrainingPlots() {
    }

    public static void write(Path outputDir, List<MetricsLog.Row> rows) throws IOException {
        List<MetricsLog.Row> steps = rows.stream().filter(r -> r.kind().equals("step")).toList();
        List<MetricsLog.Row> evals = rows.stream().filter(r -> r.kind().equals("eval")).toList();
        if (!steps.isEmpty()) {
            save(outputDir.resolve("loss.png"), chart("Training loss", "step", "loss", steps, MetricsLog.Row::loss, "loss"));
            save(outputDir.resolve("lr.png"), chart("Learning rate", "step", "lr", steps, MetricsLog.Row::lr, "lr"));
        }
        if (!evals.isEmpty()) {
            XYChart accuracy = chart("Validation accuracy", "epoch", "%", evals, MetricsLog.Row::top1, "top-1");
            addSeries(accuracy, evals, MetricsLog.Row::top5, "top-5");
            save(outputDir.resolve("accuracy.png"), accuracy);
        }
    }

    private static XYChart chart(String title, String x, String y, List<MetricsLog.Row> rows,
                                 ToDoubleFunction<MetricsLog.Row> value, String series) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setDecimalPattern("#.####");
        addSeries(chart, rows, value, series);
        return chart;
    }

    private static void addSeries(XYChart chart, List<MetricsLog.Row> rows, ToDoubleFunction<MetricsLog.Row> value, String name) {
        boolean perEpoch = rows.get(0).kind().equals("eval");
        double[] xs = rows.stream().mapToDouble(r -> perEpoch ? r.epoch() : r.step()).toArray();
        double[] ys = rows.stream().mapToDouble(value).toArray();
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(perEpoch ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static void save(Path file, XYChart chart) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
