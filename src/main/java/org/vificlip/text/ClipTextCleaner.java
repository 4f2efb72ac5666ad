package org.vificlip.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text clean-up CLIP's {@code simple_tokenizer.py} does before splitting into words:
 * {@code whitespace_clean(basic_clean(text)).lower()}, where {@code basic_clean} is
 * {@code ftfy.fix_text}, {@code html.unescape} twice, and strip.
 *
 * <p>{@code ftfy.fix_text} is emulated for the fixers that change ordinary text (ftfy 6 defaults, in
 * its order, repeated until nothing changes): HTML entities (only when the line has no '&lt;'), C1
 * controls read as Windows-1252, Latin ligatures, full/half-width forms, curly quotes, terminal escapes,
 * control characters, NFC. Not emulated: ftfy's mojibake repair ({@code fix_encoding}), which guesses
 * whether text like "cafÃ©" was mis-decoded UTF-8; such text is tokenized as it is.
 */
final class ClipTextCleaner {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** ftfy's ANSI_RE: terminal colour/cursor escapes. */
    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");

    private ClipTextCleaner() {
    }

    /** The text exactly as the tokenizer's regex sees it. */
    static String clean(String text) {
        String s = fixText(text);
        if (s.indexOf('&') >= 0) {  // the entity table is only loaded when a text has a reference
            HtmlEntities html = HtmlEntities.get();
            s = html.pythonUnescape(html.pythonUnescape(s));
        }
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        return pythonLower(s);
    }

    /**
     * Python's {@code str.lower()}. Java's {@code toLowerCase} differs only for capital sigma: Java
     * picks the final form by word boundaries, Python by the Unicode Final_Sigma rule
     * (cased letter, case-ignorables, Σ, and no cased letter after the case-ignorables that follow).
     */
    static String pythonLower(String s) {
        if (s.indexOf('\u03A3') < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length());
        int start = 0;
        for (int i = s.indexOf('\u03A3'); i >= 0; i = s.indexOf('\u03A3', start)) {
            out.append(s.substring(start, i).toLowerCase(Locale.ROOT));
            out.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            start = i + 1;
        }
        return out.append(s.substring(start).toLowerCase(Locale.ROOT)).toString();
    }

    private static boolean isFinalSigma(String s, int index) {
        int i = index;
        int before = -1;
        while (i > 0) {
            int cp = s.codePointBefore(i);
            i -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        i = index + 1;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode Case_Ignorable: marks, format characters, modifiers, and the in-word punctuation. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.FORMAT:
            case Character.MODIFIER_LETTER:
            case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) {
            case '\'': case '.': case ':': case 0xB7: case 0x387: case 0x55F: case 0x5F4: case 0x2018: case 0x2019:
            case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
                return true;
            default:
                return false;
        }
    }

    /** ftfy's {@code fix_text}: line by line; HTML unescaping stops for good at the first line with '<'. */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos) + 1;
            if (lineEnd == 0) {
                lineEnd = text.length();
            }
            String segment = text.substring(pos, lineEnd);
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = lineEnd;
        }
        return out.toString();
    }

    private static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String original = text;
            if (unescapeHtml && text.indexOf('&') >= 0) {
                text = HtmlEntities.get().ftfyUnescape(text);
            }
            text = translate(text);
            text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(original)) {
                return text;
            }
        }
    }

    /** The character-for-text fixers: C1 controls, ligatures, character width, curly quotes. */
    private static String translate(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = fixChar(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static final String WINDOWS_1252_C1 =
            "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
                    + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /** Replacement for one character, or null to keep it. */
    private static String fixChar(char c) {
        if (c >= 0x80 && c <= 0x9F) {
            // fix_c1_controls: a C1 control is almost always a Windows-1252 byte decoded as Latin-1
            // (a curly quote it gives is uncurled on the next round of the fixed-point loop)
            char fixed = WINDOWS_1252_C1.charAt(c - 0x80);
            return fixed == c ? null : String.valueOf(fixed);
        }
        switch (c) {  // fix_latin_ligatures
            case '\u0132': return "IJ";
            case '\u0133': return "ij";
            case '\u0149': return "\u02BCn";
            case '\u01F1': return "DZ";
            case '\u01F2': return "Dz";
            case '\u01F3': return "dz";
            case '\u01C4': return "D\u017D";
            case '\u01C5': return "D\u017E";
            case '\u01C6': return "d\u017E";
            case '\u01C7': return "LJ";
            case '\u01C8': return "Lj";
            case '\u01C9': return "lj";
            case '\u01CA': return "NJ";
            case '\u01CB': return "Nj";
            case '\u01CC': return "nj";
            case '\uFB00': return "ff";
            case '\uFB01': return "fi";
            case '\uFB02': return "fl";
            case '\uFB03': return "ffi";
            case '\uFB04': return "ffl";
            case '\uFB05': return "\u017Ft";
            case '\uFB06': return "st";
            default: break;
        }
        if (c == '\u3000') {  // fix_character_width: ideographic space
            return " ";
        }
        if (c >= 0xFF01 && c <= 0xFFEF) {  // fix_character_width: NFKC of half/full-width forms
            String alternate = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
            return alternate.equals(String.valueOf(c)) ? null : alternate;
        }
        if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) {  // uncurl_quotes
            return "'";
        }
        if (c >= '\u201C' && c <= '\u201F') {
            return "\"";
        }
        return null;
    }

    /** remove_control_chars: ASCII controls except tab/LF/FF/CR, bidi/format marks, BOM, interlinear. */
    private static String removeControlChars(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean remove = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (remove && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null && !remove) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
