package org.vificlip.data;

import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The class names of a dataset, in label order. Two formats:
 * <ul>
 *   <li>a label CSV as ViFi-CLIP ships them ({@code labels/*.csv}): header {@code id,name}, then one
 *       {@code id,name} row per class, ids 0..n-1 (any order), names quoted when they hold a comma
 *       ({@code 5,"Removing something, revealing something behind"}); LF or CRLF line ends;</li>
 *   <li>a plain text file: one class name per line, blank lines skipped, label = position.</li>
 * </ul>
 * A file is read as CSV when it ends in {@code .csv} or its first line is the {@code id,name} header.
 */
public final class LabelFile {
    private LabelFile() {
    }

    /** Class names ordered by label id; every problem is a {@link BadInputException} naming file and line. */
    public static List<String> readClassNames(Path file) throws BadInputException {
        List<String> lines = readLines(file);
        int first = firstNonBlank(lines);
        if (first < 0) {
            throw new BadInputException(file, "empty label file (no class names)");
        }
        boolean csv = file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        List<String> header = splitCsv(lines.get(first));
        boolean hasCsvHeader = header != null && header.size() == 2
                && header.get(0).strip().equalsIgnoreCase("id") && header.get(1).strip().equalsIgnoreCase("name");
        if (csv || hasCsvHeader) {
            if (!hasCsvHeader) {
                throw new BadInputException(file, "line " + (first + 1) + ": expected the CSV header 'id,name', found '"
                        + lines.get(first) + "'");
            }
            return readCsvRows(file, lines, first + 1);
        }
        return readPlainNames(file, lines);
    }

    private static List<String> readLines(Path file) throws BadInputException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "label file not found");
        } catch (CharacterCodingException e) {
            throw new BadInputException(file, "not a UTF-8 text file", e);
        } catch (IOException e) {
            throw new BadInputException(file, Files.isDirectory(file) ? "is a directory, not a label file"
                    : "cannot read label file: " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {  // byte-order mark written by some editors
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.replaceAll(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        return lines;
    }

    private static int firstNonBlank(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> readCsvRows(Path file, List<String> lines, int start) throws BadInputException {
        Map<Integer, Integer> lineOfId = new HashMap<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        List<int[]> idAndLine = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = splitCsv(line);
            if (fields == null) {
                throw new BadInputException(file, "line " + lineNo + ": unclosed quote in '" + line + "'");
            }
            if (fields.size() != 2) {
                throw new BadInputException(file, "line " + lineNo + ": expected 2 fields 'id,name', found "
                        + fields.size() + " in '" + line + "' (quote names that contain commas)");
            }
            int id;
            try {
                id = Integer.parseInt(fields.get(0).strip());
            } catch (NumberFormatException e) {
                throw new BadInputException(file, "line " + lineNo + ": id '" + fields.get(0) + "' is not an integer");
            }
            String name = fields.get(1).strip();
            if (name.isEmpty()) {
                throw new BadInputException(file, "line " + lineNo + ": class " + id + " has an empty name");
            }
            Integer previous = lineOfId.putIfAbsent(id, lineNo);
            if (previous != null) {
                throw new BadInputException(file, "line " + lineNo + ": id " + id + " already used on line " + previous);
            }
            checkNewName(file, lineOfName, name, lineNo);
            idAndLine.add(new int[] {id, lineNo});
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new BadInputException(file, "no class rows after the 'id,name' header");
        }
        String[] byId = new String[names.size()];
        for (int k = 0; k < names.size(); k++) {
            int id = idAndLine.get(k)[0];
            if (id < 0 || id >= byId.length) {
                throw new BadInputException(file, "line " + idAndLine.get(k)[1] + ": id " + id + " is outside 0.."
                        + (byId.length - 1) + " (" + byId.length + " classes: ids must run from 0 without gaps)");
            }
            byId[id] = names.get(k);
        }
        return List.of(byId);
    }

    private static List<String> readPlainNames(Path file, List<String> lines) throws BadInputException {
        Map<String, Integer> lineOfName = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (!name.isEmpty()) {
                checkNewName(file, lineOfName, name, i + 1);
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** Two classes with one name cannot be told apart by their prompts. */
    private static void checkNewName(Path file, Map<String, Integer> lineOfName, String name, int lineNo)
            throws BadInputException {
        Integer previous = lineOfName.putIfAbsent(name, lineNo);
        if (previous != null) {
            throw new BadInputException(file, "line " + lineNo + ": class name '" + name + "' already on line "
                    + previous);
        }
    }

    /** One CSV record (RFC 4180 quoting, "" inside quotes is a quote); null when a quote is left open. */
    static List<String> splitCsv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
