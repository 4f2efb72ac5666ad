package org.vificlip.data;

import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ViFi-CLIP's train/val list files ({@code DATA.TRAIN_FILE}, {@code DATA.VAL_FILE}): one
 * {@code relative/path label} per line, the path taken relative to {@code DATA.ROOT}. Blank lines and
 * lines starting with {@code #} are ignored; the label is the last whitespace-separated field, so paths
 * with spaces work too.
 */
public final class VideoListFile {
    private VideoListFile() {
    }

    /**
     * @param root the dataset root the paths are relative to ({@code DATA.ROOT}); null = the list's folder
     */
    public static List<VideoListEntry> read(Path listFile, Path root) throws IOException {
        if (!Files.isRegularFile(listFile)) {
            throw new BadInputException(listFile, "no such list file");
        }
        Path base = root != null ? root : listFile.toAbsolutePath().getParent();
        List<String> lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
        List<VideoListEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int cut = lastWhitespace(line);
            if (cut < 0) {
                throw new BadInputException(listFile, "line " + (i + 1) + ": expected 'relative/path label', found '"
                        + abbreviate(line) + "'");
            }
            String path = line.substring(0, cut).strip();
            String labelText = line.substring(cut + 1).strip();
            int label;
            try {
                label = Integer.parseInt(labelText);
            } catch (NumberFormatException e) {
                throw new BadInputException(listFile, "line " + (i + 1) + ": label '" + abbreviate(labelText)
                        + "' is not an integer (expected 'relative/path label')");
            }
            if (label < 0) {
                throw new BadInputException(listFile, "line " + (i + 1) + ": negative label " + label);
            }
            entries.add(new VideoListEntry(base.resolve(path), label, i + 1));
        }
        if (entries.isEmpty()) {
            throw new BadInputException(listFile, "list file has no entries");
        }
        return entries;
    }

    private static int lastWhitespace(String line) {
        for (int i = line.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
