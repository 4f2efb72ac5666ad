package org.vificlip.spark;

import org.apache.spark.TaskContext;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A slice's videos streamed through {@link VideoBatchLoader} (decoding ahead of the model, as on one machine),
 * each batch turned into per-video results by {@code perBatch}; after the last batch, the videos the loader
 * skipped, each with the loader's reason. Lazy, so a task holds a few batches, not its whole slice; the
 * loader's threads stop when the task ends, however it ends.
 */
final class SliceStream<R> implements Iterator<R> {
    private final List<VideoListEntry> entries;
    private final VideoBatchLoader loader;
    private final Function<VideoBatch, List<R>> perBatch;
    private final Function<VideoResult, R> perSkipped;
    private final Deque<R> ready = new ArrayDeque<>();
    private final Map<String, Integer> loaded = new HashMap<>();
    private boolean finished;

    SliceStream(Slice slice, ClipSpec spec, int batchSize, int threads,
                Function<VideoBatch, List<R>> perBatch, Function<VideoResult, R> perSkipped) {
        this.entries = VideoRef.entries(slice.videos());
        this.perBatch = perBatch;
        this.perSkipped = perSkipped;
        VideoBatchLoader.Options options = VideoBatchLoader.Options.defaults(spec, batchSize).withThreads(threads);
        this.loader = new VideoBatchLoader(entries, options, slice.firstPosition());
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> loader.close());
        }
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !finished) {
            if (loader.hasNext()) {
                VideoBatch batch = loader.next();
                batch.videos().forEach(v -> loaded.merge(v.toString(), 1, Integer::sum));
                ready.addAll(perBatch.apply(batch));
                FaultInjection.maybeFail("a slice of " + entries.size() + " videos");
            } else {
                finished = true;
                addSkipped();
                loader.close();
            }
        }
        return !ready.isEmpty();
    }

    /** The entries no batch held, in list order, paired with the loader's failures (also in list order). */
    private void addSkipped() {
        List<String> problems = loader.summary().failures();
        int next = 0;
        for (VideoListEntry e : entries) {
            String path = e.video().toString();
            int left = loaded.getOrDefault(path, 0);
            if (left > 0) {
                loaded.put(path, left - 1);
            } else {
                String problem = next < problems.size() ? problems.get(next++) : path + ": not loaded";
                ready.add(perSkipped.apply(new VideoResult(path, e.label(), e.line(), null, problem)));
            }
        }
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }
}
