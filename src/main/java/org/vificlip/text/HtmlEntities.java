package org.vificlip.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references decoded exactly as Python's {@code html.unescape} (HTML5 rules: named
 * references with and without ';', the longest-prefix rule, numeric references with the Windows-1252
 * fix-ups), plus the stricter pass of ftfy's {@code unescape_html}. CLIP's text cleaning runs both, so
 * the tokenizer needs both to give the reference ids.
 */
final class HtmlEntities {
    private static final String RESOURCE = "html5_entities.tsv";

    /** Python's {@code html._charref}. */
    private static final Pattern PYTHON_CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    /** ftfy's {@code HTML_ENTITY_RE}: only references closed by ';'. */
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    /** Python's {@code html._invalid_charrefs}: numbers 0x80..0x9F read as Windows-1252, and 0, CR. */
    private static final Map<Integer, String> INVALID_CHARREFS = invalidCharrefs();

    /** name (without '&', maybe with ';') → text, as {@code html.entities.html5}. */
    private final Map<String, String> html5;
    /** "&name;" → text, as ftfy's {@code HTML_ENTITIES} (adds upper-cased forms of lower-case names). */
    private final Map<String, String> ftfyEntities;

    private static final class Holder {
        static final HtmlEntities INSTANCE = new HtmlEntities();
    }

    static HtmlEntities get() {
        return Holder.INSTANCE;
    }

    private HtmlEntities() {
        html5 = readTable();
        ftfyEntities = new HashMap<>();
        for (Map.Entry<String, String> e : html5.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            ftfyEntities.put("&" + name, e.getValue());
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (pythonUnescape(upper).equals(upper)) {
                    ftfyEntities.put(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
    }

    private static Map<String, String> readTable() {
        Map<String, String> table = new HashMap<>();
        try (InputStream in = HtmlEntities.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                StringBuilder text = new StringBuilder();
                for (String hex : cols[1].split(" ")) {
                    text.appendCodePoint(Integer.parseInt(hex, 16));
                }
                table.put(cols[0], text.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
        return table;
    }

    /** Python's {@code html.unescape(s)}. */
    String pythonUnescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return PYTHON_CHARREF.matcher(s).replaceAll(m -> Matcher.quoteReplacement(replaceCharref(m.group(1))));
    }

    /** ftfy's {@code unescape_html(text)}: one pass over references that end in ';'. */
    String ftfyUnescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return FTFY_ENTITY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(ftfyFixup(m.group())));
    }

    private String ftfyFixup(String ref) {
        String known = ftfyEntities.get(ref);
        if (known != null) {
            return known;
        }
        if (ref.startsWith("&#")) {
            String unescaped = pythonUnescape(ref);
            // ftfy keeps the reference if html.unescape decoded only part of it
            return unescaped.contains(";") ? ref : unescaped;
        }
        return ref;
    }

    private String replaceCharref(String s) {
        if (s.charAt(0) == '#') {
            String digits = s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
            boolean hex = digits.charAt(1) == 'x' || digits.charAt(1) == 'X';
            long num = parseCapped(hex ? digits.substring(2) : digits.substring(1), hex ? 16 : 10);
            String fixed = INVALID_CHARREFS.get((int) Math.min(num, Integer.MAX_VALUE));
            if (fixed != null) {
                return fixed;
            }
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
                return "\uFFFD";
            }
            if (isInvalidCodePoint((int) num)) {
                return "";
            }
            return new String(Character.toChars((int) num));
        }
        String named = html5.get(s);
        if (named != null) {
            return named;
        }
        // the longest known prefix wins, the rest stays as text (HTML5's rule for legacy names)
        for (int x = s.length() - 1; x > 1; x--) {
            String prefix = html5.get(s.substring(0, x));
            if (prefix != null) {
                return prefix + s.substring(x);
            }
        }
        return "&" + s;
    }

    /** Parses digits; anything beyond the Unicode range only needs to be known as "too big". */
    private static long parseCapped(String digits, int radix) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * radix + Character.digit(digits.charAt(i), radix);
            if (value > 0x10FFFF) {
                return 0x110000;
            }
        }
        return value;
    }

    /** Python's {@code html._invalid_codepoints}. */
    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8) || cp == 0xB || (cp >= 0xE && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static Map<Integer, String> invalidCharrefs() {
        Map<Integer, String> m = new HashMap<>();
        m.put(0x00, "\uFFFD");
        m.put(0x0D, "\r");
        String cp1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
                + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
        for (int i = 0; i < 32; i++) {
            m.put(0x80 + i, String.valueOf(cp1252.charAt(i)));
        }
        return m;
    }
}
