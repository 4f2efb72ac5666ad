package org.vificlip.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vificlip.BadInputException;
import org.vificlip.config.ViFiClipConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The dataset a ViFi-CLIP config names: the classes of {@code DATA.LABEL_LIST} and the videos of
 * {@code DATA.TRAIN_FILE} / {@code DATA.VAL_FILE}, their paths relative to {@code DATA.ROOT}.
 * <p>
 * Relative paths in the config are taken from the working directory, as ViFi-CLIP's own scripts do
 * (they run from the repository root). An empty {@code DATA.ROOT} means the list file's folder.
 */
public record ConfigDataset(ViFiClipConfig config, List<String> classNames) {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDataset.class);

    /** Share of a list that may be missing or undecodable before a run stops (the rest is skipped). */
    public static final double MAX_UNUSABLE = 0.05;

    /** Reads the label file and checks it against {@code DATA.NUM_CLASSES}. */
    public static ConfigDataset of(ViFiClipConfig config) throws BadInputException {
        Path labels = Path.of(config.data().labelList());
        List<String> names = LabelFile.readClassNames(labels);
        if (names.size() != config.data().numClasses()) {
            throw new BadInputException(config.source(), "DATA.NUM_CLASSES is " + config.data().numClasses()
                    + " but DATA.LABEL_LIST " + labels + " has " + names.size() + " classes");
        }
        return new ConfigDataset(config, names);
    }

    public List<VideoListEntry> trainVideos() throws IOException {
        return videos(config.data().trainFile(), "DATA.TRAIN_FILE");
    }

    public List<VideoListEntry> valVideos() throws IOException {
        return videos(config.data().valFile(), "DATA.VAL_FILE");
    }

    public Path trainList() {
        return Path.of(config.data().trainFile());
    }

    public Path valList() {
        return Path.of(config.data().valFile());
    }

    /**
     * The list's videos. Missing files are found first: more than {@link #MAX_UNUSABLE} of the list missing
     * stops the run before any work, with the first missing files named; fewer are left to the loader, which
     * skips and counts them with the undecodable ones.
     */
    private List<VideoListEntry> videos(String listFile, String key) throws IOException {
        if (listFile == null || listFile.isBlank()) {
            throw new BadInputException(config.source(), key + " is not set");
        }
        Path list = Path.of(listFile);
        String root = config.data().root();
        List<VideoListEntry> entries = VideoListFile.read(list, root == null || root.isBlank() ? null : Path.of(root));
        for (VideoListEntry e : entries) {
            if (e.label() >= classNames.size()) {
                throw new BadInputException(list, "line " + e.line() + ": label " + e.label() + " but "
                        + config.data().labelList() + " has " + classNames.size() + " classes");
            }
        }
        List<String> missing = entries.stream().filter(e -> !Files.exists(e.video()))
                .map(e -> e.video() + " (line " + e.line() + ")").toList();
        checkUsable(list, entries.size(), missing, "missing");
        if (!missing.isEmpty()) {
            LOG.warn("{}: {} of {} videos are missing; they will be skipped and counted, e.g. {}", list, missing.size(),
                    entries.size(), missing.get(0));
        }
        return entries;
    }

    /**
     * Stops when more than {@link #MAX_UNUSABLE} of a list of {@code total} videos is unusable.
     *
     * @param bad the unusable videos so far, each a line naming the file and the problem
     */
    public static void checkUsable(Path list, int total, List<String> bad, String what) throws BadInputException {
        if (bad.size() > MAX_UNUSABLE * total) {
            List<String> first = bad.subList(0, Math.min(10, bad.size()));
            throw new BadInputException(list, bad.size() + " of " + total + " videos are " + what + " (more than "
                    + Math.round(MAX_UNUSABLE * 100) + "% of the list); the first:\n  " + String.join("\n  ", first));
        }
    }
}
