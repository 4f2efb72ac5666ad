package org.vificlip.spark;

import org.vificlip.data.VideoListEntry;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A contiguous run of a list's videos that one task handles: positions {@code firstPosition} onward of the
 * order the single-machine loader uses, so every video gets the random draws (multi-view sampling, training
 * augmentation) it gets on one machine.
 */
public record Slice(int index, int firstPosition, List<VideoRef> videos) implements Serializable {
    /**
     * The list cut into at most {@code parts} slices of whole batches of {@code batchSize}: each batch then
     * holds the same videos as on one machine, so its numbers are the same too.
     */
    public static List<Slice> ofWholeBatches(List<VideoListEntry> entries, int batchSize, int parts) {
        int batches = (entries.size() + batchSize - 1) / batchSize;
        int perSlice = Math.max(1, (batches + parts - 1) / parts) * batchSize;
        List<Slice> slices = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += perSlice) {
            int to = Math.min(entries.size(), from + perSlice);
            slices.add(new Slice(slices.size(), from, VideoRef.of(entries.subList(from, to))));
        }
        return slices;
    }

    /**
     * One batch shared out over {@code parts} workers: contiguous shares whose sizes differ by at most one.
     *
     * @param firstPosition the batch's first position in the epoch's order
     */
    public static List<Slice> shares(List<VideoListEntry> batch, int firstPosition, int parts) {
        int n = Math.min(parts, batch.size());
        List<Slice> shares = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < n; i++) {
            int size = batch.size() / n + (i < batch.size() % n ? 1 : 0);
            shares.add(new Slice(i, firstPosition + from, VideoRef.of(batch.subList(from, from + size))));
            from += size;
        }
        return shares;
    }
}
