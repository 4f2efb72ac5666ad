package org.vificlip.data;

import java.nio.file.Path;

/** One line of a ViFi-CLIP list file: the video (root already applied), its class label, its line number. */
public record VideoListEntry(Path video, int label, int line) {
}
