package org.vificlip.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code ast.literal_eval} as yacs's {@code _decode_cfg_value} uses it: a text that is a Python
 * literal becomes its value, any other text stays the text itself (yacs swallows the ValueError and
 * SyntaxError). yacs applies it to every {@code --opts} value and to every string a YAML file yields.
 *
 * <p>Values: int as {@link Long} (or {@link BigInteger} beyond 64 bits), float as {@link Double}, bool,
 * None as null, str, list and tuple as {@link List}. Literals no config key can hold (complex, bytes,
 * dict, set, Ellipsis) are checked for syntax and come back as {@link Other}, so that a type error can
 * name them the way yacs would refuse them.
 */
final class PythonLiteral {
    /** A Python literal of a type the config has no key for; {@code source} is its text. */
    record Other(String pythonType, String source) {
        @Override
        public String toString() {
            return source;
        }
    }

    private PythonLiteral() {
    }

    /** The literal's value, or {@code text} itself (the same instance) when it is not a Python literal. */
    static Object decode(String text) {
        try {
            return new Parser(text).whole();
        } catch (NotALiteral e) {
            return text;
        }
    }

    /** Whether literal_eval would turn {@code text} into a value instead of leaving it a string. */
    static boolean isLiteral(String text) {
        return decode(text) != text;
    }

    // ---------------------------------------------------------------------------------------------
    // repr: Python's text for a str and a float

    /** Python's {@code repr(str)}: quoted so that {@link #decode} gives {@code s} back. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        });
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable} for one character (space is printable, other separators not). */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back to the same double, positional
     * for decimal exponents -4..15 and scientific otherwise ("8e-06", "0.04", "30.0", "1e+16").
     */
    static String reprFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
        if (d == 0) {
            return sign + "0.0";
        }
        BigDecimal bd = shortestDecimal(Math.abs(d));
        String digits = bd.unscaledValue().toString();
        int exp10 = digits.length() - 1 - bd.scale();  // d = digits[0].digits[1..] x 10^exp10
        if (exp10 < -4 || exp10 >= 16) {
            String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            int e = Math.abs(exp10);
            return sign + mantissa + "e" + (exp10 < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
        }
        if (exp10 < 0) {
            return sign + "0." + "0".repeat(-exp10 - 1) + digits;
        }
        StringBuilder intPart = new StringBuilder(digits.substring(0, Math.min(digits.length(), exp10 + 1)));
        while (intPart.length() < exp10 + 1) {
            intPart.append('0');
        }
        String frac = digits.length() > exp10 + 1 ? digits.substring(exp10 + 1) : "0";
        return sign + intPart + "." + frac;
    }

    /**
     * The decimal with the fewest significant digits that reads back to {@code d} (the closest such if
     * several), as Python's repr picks it. Java 17's Double.toString sometimes gives a digit more.
     */
    private static BigDecimal shortestDecimal(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal best = null;
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal candidate = exact.round(new MathContext(digits, mode));
                if (candidate.doubleValue() == d && (best == null
                        || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
        return exact.stripTrailingZeros();  // not reached: 17 digits always read back
    }

    // ---------------------------------------------------------------------------------------------
    // the parser

    private static final class NotALiteral extends Exception {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    private static final NotALiteral NOT = new NotALiteral();

    /** Python 3 number tokens: hex/octal/binary ints, decimal ints and floats, imaginary ('j'). */
    private static final Pattern NUMBER = Pattern.compile(
            "0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+"
                    + "|(?:(?:[0-9](?:_?[0-9])*)?\\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\\.?)"
                    + "(?:[eE][+-]?[0-9](?:_?[0-9])*)?[jJ]?");

    /** How an expression looks to literal_eval, which allows a sign only on a bare number. */
    private enum Shape { NUMBER, SIGNED_NUMBER, OTHER }

    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;  // bracket nesting: inside brackets newlines are whitespace
        private Shape shape = Shape.OTHER;

        Parser(String s) {
            this.s = s;
        }

        Object whole() throws NotALiteral {
            skip(true);  // literal_eval strips leading blanks (Python 3.10+)
            Object v = expression();
            skip(true);
            if (pos != s.length()) {
                throw NOT;
            }
            return v;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        /** Skips blanks, comments and line continuations; newlines too when inside brackets or asked. */
        private void skip(boolean newlines) {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\f') {
                    pos++;
                } else if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                        pos++;
                    }
                } else if (c == '\\' && pos + 1 < s.length() && (s.charAt(pos + 1) == '\n' || s.charAt(pos + 1) == '\r')) {
                    pos += s.startsWith("\r\n", pos + 1) ? 3 : 2;
                } else if ((c == '\n' || c == '\r') && (newlines || depth > 0)) {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private void ws() {
            skip(false);
        }

        /** A full element: a literal, or int/float +/- imaginary (a complex number). */
        private Object expression() throws NotALiteral {
            ws();
            int start = pos;
            Object left = unary();
            ws();
            char c = peek();
            if (c == '+' || c == '-') {
                if (shape == Shape.OTHER || isImaginary(left)) {
                    throw NOT;  // literal_eval only adds a real number and an imaginary one
                }
                pos++;
                Object right = primary();
                if (shape != Shape.NUMBER || !isImaginary(right)) {
                    throw NOT;
                }
                shape = Shape.OTHER;
                return new Other("complex", s.substring(start, pos).strip());
            }
            return left;
        }

        private Object unary() throws NotALiteral {
            ws();
            char c = peek();
            if (c == '+' || c == '-') {
                pos++;
                Object v = primary();
                if (shape != Shape.NUMBER) {
                    throw NOT;  // "--1", "-True", "-'a'" are not literals
                }
                shape = Shape.SIGNED_NUMBER;
                return c == '-' ? negate(v) : v;
            }
            return primary();
        }

        private Object primary() throws NotALiteral {
            ws();
            char c = peek();
            if (c == '(') {
                return parenthesised();
            }
            if (c == '[') {
                pos++;
                depth++;
                List<Object> items = sequence(']');
                depth--;
                shape = Shape.OTHER;
                return items;
            }
            if (c == '{') {
                return braces();
            }
            if (c == '\'' || c == '"') {
                return strings("");
            }
            if (Character.isDigit(c) && c < 128 || (c == '.' && pos + 1 < s.length() && isAsciiDigit(s.charAt(pos + 1)))) {
                Object v = number();
                shape = Shape.NUMBER;
                return v;
            }
            if (s.startsWith("...", pos)) {
                pos += 3;
                shape = Shape.OTHER;
                return new Other("ellipsis", "...");
            }
            if (Character.isUnicodeIdentifierStart(c) || c == '_') {
                int start = pos;
                while (pos < s.length() && (Character.isUnicodeIdentifierPart(s.charAt(pos)) && !Character.isIdentifierIgnorable(s.charAt(pos)))) {
                    pos++;
                }
                String word = s.substring(start, pos);
                if (peek() == '\'' || peek() == '"') {
                    return strings(word);
                }
                shape = Shape.OTHER;
                switch (word) {
                    case "True":
                        return Boolean.TRUE;
                    case "False":
                        return Boolean.FALSE;
                    case "None":
                        return null;
                    case "set": {  // set() is the empty-set literal since Python 3.9
                        ws();
                        if (peek() == '(') {
                            pos++;
                            depth++;
                            ws();
                            if (peek() == ')') {
                                pos++;
                                depth--;
                                return new Other("set", "set()");
                            }
                        }
                        throw NOT;
                    }
                    default:
                        throw NOT;  // a name: the text is a plain string to yacs
                }
            }
            throw NOT;
        }

        private Object parenthesised() throws NotALiteral {
            pos++;
            depth++;
            ws();
            if (peek() == ')') {
                pos++;
                depth--;
                shape = Shape.OTHER;
                return new ArrayList<>();  // the empty tuple
            }
            Object first = expression();
            Shape firstShape = shape;
            ws();
            if (peek() == ')') {  // parentheses only group: (1) is the number 1
                pos++;
                depth--;
                shape = firstShape;
                return first;
            }
            if (peek() != ',') {
                throw NOT;
            }
            pos++;
            List<Object> items = sequence(')');
            items.add(0, first);
            depth--;
            shape = Shape.OTHER;
            return items;
        }

        /** Comma-separated expressions up to {@code close} (a trailing comma is allowed). */
        private List<Object> sequence(char close) throws NotALiteral {
            List<Object> items = new ArrayList<>();
            while (true) {
                ws();
                if (peek() == close) {
                    pos++;
                    return items;
                }
                items.add(expression());
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == close) {
                    pos++;
                    return items;
                } else {
                    throw NOT;
                }
            }
        }

        /** A dict or a set: checked, returned as {@link Other}. */
        private Object braces() throws NotALiteral {
            int start = pos;
            pos++;
            depth++;
            ws();
            String type = "dict";
            if (peek() != '}') {
                expression();
                ws();
                boolean dict = peek() == ':';
                type = dict ? "dict" : "set";
                while (true) {
                    if (dict) {
                        ws();
                        if (peek() != ':') {
                            throw NOT;
                        }
                        pos++;
                        expression();
                    }
                    ws();
                    if (peek() == ',') {
                        pos++;
                        ws();
                        if (peek() == '}') {
                            break;
                        }
                        expression();
                    } else if (peek() == '}') {
                        break;
                    } else {
                        throw NOT;
                    }
                }
            }
            pos++;
            depth--;
            shape = Shape.OTHER;
            return new Other(type, s.substring(start, pos));
        }

        /** One or more adjacent string literals, concatenated as Python does ('a' "b" is 'ab'). */
        private Object strings(String firstPrefix) throws NotALiteral {
            int start = pos - firstPrefix.length();
            String prefix = firstPrefix;
            StringBuilder text = new StringBuilder();
            Boolean bytes = null;
            while (true) {
                String p = prefix.toLowerCase();
                boolean isBytes = p.contains("b");
                if (!(p.isEmpty() || p.equals("r") || p.equals("u") || p.equals("b") || p.equals("br") || p.equals("rb"))) {
                    throw NOT;  // f-strings are not literals; other words before a quote are syntax errors
                }
                if (bytes != null && bytes != isBytes) {
                    throw NOT;  // bytes and str cannot be concatenated
                }
                bytes = isBytes;
                text.append(stringToken(p.contains("r"), isBytes));
                int save = pos;
                ws();
                int wordStart = pos;
                while (pos < s.length() && Character.isLetter(s.charAt(pos))) {
                    pos++;
                }
                if (peek() == '\'' || peek() == '"') {
                    prefix = s.substring(wordStart, pos);
                } else {
                    pos = save;
                    break;
                }
            }
            shape = Shape.OTHER;
            return bytes ? new Other("bytes", s.substring(start, pos)) : text.toString();
        }

        private String stringToken(boolean raw, boolean bytes) throws NotALiteral {
            char q = s.charAt(pos);
            String triple = String.valueOf(q).repeat(3);
            boolean isTriple = s.startsWith(triple, pos);
            pos += isTriple ? 3 : 1;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw NOT;
                }
                char c = s.charAt(pos);
                if (isTriple ? s.startsWith(triple, pos) : c == q) {
                    pos += isTriple ? 3 : 1;
                    return out.toString();
                }
                if (!isTriple && (c == '\n' || c == '\r')) {
                    throw NOT;
                }
                if (bytes && c > 0x7f) {
                    throw NOT;
                }
                if (c != '\\') {
                    out.append(c);
                    pos++;
                    continue;
                }
                if (pos + 1 >= s.length()) {
                    throw NOT;
                }
                char d = s.charAt(pos + 1);
                pos += 2;
                if (raw) {  // a raw string keeps the backslash; it still stops the quote from closing
                    out.append(c).append(d);
                    continue;
                }
                escape(d, bytes, out);
            }
        }

        private void escape(char d, boolean bytes, StringBuilder out) throws NotALiteral {
            switch (d) {
                case '\n' -> { }  // line continuation
                case '\r' -> {
                    if (peek() == '\n') {
                        pos++;
                    }
                }
                case '\\', '\'', '"' -> out.append(d);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int v = d - '0';
                    for (int i = 0; i < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7'; i++) {
                        v = v * 8 + (s.charAt(pos++) - '0');
                    }
                    out.append((char) v);
                }
                case 'x' -> out.append((char) hex(2));
                case 'u', 'U', 'N' -> {
                    if (bytes) {  // not escapes in bytes: kept as written
                        out.append('\\').append(d);
                    } else if (d == 'u') {
                        out.append((char) hex(4));
                    } else if (d == 'U') {
                        int cp = hex(8);
                        if (cp > Character.MAX_CODE_POINT) {
                            throw NOT;
                        }
                        out.appendCodePoint(cp);
                    } else {
                        int close = s.indexOf('}', pos);
                        if (peek() != '{' || close < 0) {
                            throw NOT;
                        }
                        try {
                            out.appendCodePoint(Character.codePointOf(s.substring(pos + 1, close)));
                        } catch (IllegalArgumentException e) {
                            throw NOT;
                        }
                        pos = close + 1;
                    }
                }
                default -> out.append('\\').append(d);  // Python keeps unknown escapes as written
            }
        }

        private int hex(int digits) throws NotALiteral {
            if (pos + digits > s.length()) {
                throw NOT;
            }
            int v = 0;
            for (int i = 0; i < digits; i++) {
                int h = Character.digit(s.charAt(pos + i), 16);
                if (h < 0 || s.charAt(pos + i) > 127) {
                    throw NOT;
                }
                v = v * 16 + h;
            }
            pos += digits;
            return v;
        }

        private Object number() throws NotALiteral {
            Matcher m = NUMBER.matcher(s).region(pos, s.length());
            if (!m.lookingAt()) {
                throw NOT;
            }
            String token = m.group();
            pos = m.end();
            if (pos < s.length() && (Character.isUnicodeIdentifierPart(s.charAt(pos)) || s.charAt(pos) == '.')) {
                throw NOT;  // "1_", "1abc", "0x", "1.2.3": syntax errors
            }
            String t = token.replace("_", "");
            char last = t.charAt(t.length() - 1);
            if (last == 'j' || last == 'J') {
                return new Other("complex", token);
            }
            if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
                int radix = switch (Character.toLowerCase(t.charAt(1))) {
                    case 'x' -> 16;
                    case 'o' -> 8;
                    default -> 2;
                };
                return narrow(new BigInteger(t.substring(2), radix));
            }
            if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
                return Double.parseDouble(t);
            }
            if (t.length() > 1 && t.charAt(0) == '0' && !t.chars().allMatch(ch -> ch == '0')) {
                throw NOT;  // "01": leading zeros are a syntax error in Python 3
            }
            return narrow(new BigInteger(t));
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isImaginary(Object v) {
            return v instanceof Other o && o.pythonType().equals("complex");
        }

        private static Object negate(Object v) {
            if (v instanceof Long l) {
                return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : -l;
            }
            if (v instanceof BigInteger b) {
                return narrow(b.negate());
            }
            if (v instanceof Double d) {
                return -d;
            }
            Other o = (Other) v;
            return new Other(o.pythonType(), "-" + o.source());
        }
    }

    private static Object narrow(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
}
