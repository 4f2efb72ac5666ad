package org.vificlip.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's results, shaped like the base-to-novel tables of the ViFi-CLIP paper: one row per method,
 * top-1 accuracy (%) on the base classes, on the novel classes, and their harmonic mean (HM).
 */
public final class ResultsTable {
    /** One method; a null accuracy is shown as a dash, with {@code note} saying why. */
    public record Row(String method, Double base, Double novel, String note) {
        /** Harmonic mean of base and novel, as the paper reports it; null unless both are known. */
        public Double harmonicMean() {
            if (base == null || novel == null) {
                return null;
            }
            return base + novel == 0 ? 0.0 : 2 * base * novel / (base + novel);
        }
    }

    private final String caption;
    private final List<Row> rows = new ArrayList<>();

    public ResultsTable(String caption) {
        this.caption = caption;
    }

    public ResultsTable add(Row row) {
        rows.add(row);
        return this;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String caption() {
        return caption;
    }

    /** Markdown (also readable as plain text in a terminal). */
    public String markdown() {
        int width = Math.max(6, rows.stream().mapToInt(r -> r.method().length()).max().orElse(6));
        StringBuilder s = new StringBuilder(caption).append("\n\n");
        s.append(String.format(Locale.ROOT, "| %-" + width + "s | %6s | %6s | %6s |%n", "Method", "Base", "Novel", "HM"));
        s.append("|").append("-".repeat(width + 2)).append("|--------|--------|--------|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %-" + width + "s | %6s | %6s | %6s |", r.method(), number(r.base()),
                    number(r.novel()), number(r.harmonicMean())));
            if (r.note() != null) {
                s.append(" ").append(r.note());
            }
            s.append('\n');
        }
        return s.toString();
    }

    public String html() {
        StringBuilder s = new StringBuilder("<table>\n<caption>").append(escape(caption)).append("</caption>\n");
        s.append("<tr><th>Method</th><th>Base</th><th>Novel</th><th>HM</th><th class=\"note\"></th></tr>\n");
        for (Row r : rows) {
            s.append("<tr><td>").append(escape(r.method())).append("</td><td>").append(number(r.base()))
                    .append("</td><td>").append(number(r.novel())).append("</td><td>").append(number(r.harmonicMean()))
                    .append("</td><td class=\"note\">").append(r.note() == null ? "" : escape(r.note())).append("</td></tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
