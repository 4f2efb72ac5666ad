package org.vificlip.spark;

import org.vificlip.data.VideoListEntry;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/** A list-file entry as it travels to executors ({@link Path} is not serializable): file, label, list line. */
public record VideoRef(String path, int label, int line) implements Serializable {
    public static VideoRef of(VideoListEntry e) {
        return new VideoRef(e.video().toString(), e.label(), e.line());
    }

    public VideoListEntry entry() {
        return new VideoListEntry(Path.of(path), label, line);
    }

    static List<VideoRef> of(List<VideoListEntry> entries) {
        return entries.stream().map(VideoRef::of).toList();
    }

    static List<VideoListEntry> entries(List<VideoRef> refs) {
        return refs.stream().map(VideoRef::entry).toList();
    }
}
