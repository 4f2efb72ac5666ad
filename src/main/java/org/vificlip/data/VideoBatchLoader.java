package org.vificlip.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vificlip.video.FrameTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches {@code [B,T,3,S,S]} from a list of videos, decoded by a pool of threads ahead of the consumer.
 *
 * <p>Videos are submitted in list order (shuffled per epoch when asked) to a fixed pool, at most
 * {@code prefetchBatches * batchSize} of them in flight, so decoding runs while the model computes and
 * memory stays bounded. Batches are assembled in list order on the caller's thread, so the same seed
 * gives the same batches whatever the thread timing: each video's random draws (train-mode sampling,
 * augmentation) come from its own generator seeded by (seed, epoch, position). A video that fails to
 * decode is skipped with a warning and counted in {@link #summary()}; the next video takes its place.
 * {@link #close()} cancels pending work and stops the threads.
 */
public final class VideoBatchLoader implements Iterator<VideoBatch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoBatchLoader.class);

    /** Loader settings; {@link #defaults(ClipSpec, int)} gives the usual ones. */
    public record Options(ClipSpec spec, int batchSize, int threads, int prefetchBatches, boolean shuffle,
                          boolean dropLast, long seed, int epoch, long perVideoTimeoutSeconds) {
        public Options {
            if (batchSize < 1 || threads < 1 || prefetchBatches < 1 || perVideoTimeoutSeconds < 1) {
                throw new IllegalArgumentException("batch size, threads, prefetch and timeout must be positive");
            }
        }

        /** Test-style defaults: list order, keep the last partial batch, 2 batches prefetched. */
        public static Options defaults(ClipSpec spec, int batchSize) {
            return new Options(spec, batchSize, Math.max(1, Runtime.getRuntime().availableProcessors()), 2,
                    spec.train(), spec.train(), 0L, 0, 600);
        }

        public Options withThreads(int n) {
            return new Options(spec, batchSize, n, prefetchBatches, shuffle, dropLast, seed, epoch, perVideoTimeoutSeconds);
        }

        public Options withSeed(long s, int e) {
            return new Options(spec, batchSize, threads, prefetchBatches, shuffle, dropLast, s, e, perVideoTimeoutSeconds);
        }

        public Options withPrefetch(int batches) {
            return new Options(spec, batchSize, threads, batches, shuffle, dropLast, seed, epoch, perVideoTimeoutSeconds);
        }
    }

    /** What happened to the videos handed out so far. */
    public record Summary(int loaded, int skipped, List<String> failures) {
        @Override
        public String toString() {
            return loaded + " videos loaded, " + skipped + " skipped" + (failures.isEmpty() ? "" : ": " + failures);
        }
    }

    private record Item(VideoListEntry entry, Future<FrameTensor> clip) {
    }

    private final Options options;
    private final List<VideoListEntry> order;
    private final ExecutorService pool;
    private final Deque<Item> inFlight = new ArrayDeque<>();
    private final int window;
    private final int firstPosition;
    private int nextToSubmit;
    private int loaded;
    private final List<String> failures = new ArrayList<>();
    private VideoBatch pending;
    private boolean closed;

    public VideoBatchLoader(List<VideoListEntry> entries, Options options) {
        this(entries, options, 0);
    }

    /**
     * A loader over a slice of an epoch's order: {@code entries} are positions {@code firstPosition},
     * {@code firstPosition + 1}, ... of {@link #epochOrder}, so each video gets the random draws it gets in
     * the loader over the whole list (distributed training gives each worker its share of a batch this way).
     */
    public VideoBatchLoader(List<VideoListEntry> entries, Options options, int firstPosition) {
        if (firstPosition != 0 && options.shuffle()) {
            throw new IllegalArgumentException("a slice of an epoch's order is already in order: no shuffle");
        }
        this.options = options;
        this.firstPosition = firstPosition;
        this.order = options.shuffle() ? epochOrder(entries, options.seed(), options.epoch()) : new ArrayList<>(entries);
        this.window = options.prefetchBatches() * options.batchSize();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "video-decode-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(options.threads(), factory);
        topUp();
    }

    /** The number of videos in this epoch's order (before any is skipped). */
    public int size() {
        return order.size();
    }

    private void topUp() {
        while (!closed && inFlight.size() < window && nextToSubmit < order.size()) {
            int position = nextToSubmit++;
            VideoListEntry entry = order.get(position);
            long videoSeed = mix(options.seed(), options.epoch(), firstPosition + position);
            Future<FrameTensor> clip = pool.submit(() -> VideoClips.load(entry.video(), options.spec(), new Random(videoSeed)));
            inFlight.add(new Item(entry, clip));
        }
    }

    @Override
    public synchronized boolean hasNext() {
        if (pending == null && !closed) {
            pending = assemble();
        }
        return pending != null;
    }

    @Override
    public synchronized VideoBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        VideoBatch batch = pending;
        pending = null;
        return batch;
    }

    private VideoBatch assemble() {
        ClipSpec spec = options.spec();
        int perVideo = spec.framesPerVideo() * 3 * spec.size() * spec.size();
        float[] data = new float[options.batchSize() * perVideo];
        int[] labels = new int[options.batchSize()];
        List<Path> videos = new ArrayList<>();
        int n = 0;
        while (n < options.batchSize()) {
            Item item = inFlight.poll();
            if (item == null) {
                break;
            }
            FrameTensor clip = await(item);
            topUp();
            if (clip == null) {
                continue;
            }
            System.arraycopy(clip.data(), 0, data, n * perVideo, perVideo);
            labels[n] = item.entry().label();
            videos.add(item.entry().video());
            n++;
            loaded++;
        }
        if (n == 0 || (n < options.batchSize() && options.dropLast())) {
            return null;
        }
        if (n < options.batchSize()) {
            data = java.util.Arrays.copyOf(data, n * perVideo);
            labels = java.util.Arrays.copyOf(labels, n);
        }
        return new VideoBatch(data, n, spec.framesPerVideo(), spec.size(), labels, List.copyOf(videos));
    }

    /** The clip, or null (with a warning and a count) when the video could not be used. */
    private FrameTensor await(Item item) {
        Path video = item.entry().video();
        String problem;
        try {
            return item.clip().get(options.perVideoTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            problem = cause instanceof IOException ? cause.getMessage() : video + ": " + cause;
        } catch (TimeoutException e) {
            item.clip().cancel(true);
            problem = video + ": decoding took longer than " + options.perVideoTimeoutSeconds() + " s";
        } catch (CancellationException e) {
            problem = video + ": cancelled";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + video, e);
        }
        LOG.warn("skipping video (list line {}): {}", item.entry().line(), problem);
        failures.add(problem);
        return null;
    }

    public synchronized Summary summary() {
        return new Summary(loaded, failures.size(), List.copyOf(failures));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Item item : inFlight) {
            item.clip().cancel(true);
        }
        inFlight.clear();
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("video decoding threads still busy after close; they are daemon threads and will not block exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The order a shuffling loader hands out {@code entries} in, for {@code seed} and {@code epoch}. */
    public static List<VideoListEntry> epochOrder(List<VideoListEntry> entries, long seed, int epoch) {
        List<VideoListEntry> list = new ArrayList<>(entries);
        Collections.shuffle(list, new Random(mix(seed, epoch, -1)));
        return list;
    }

    /** A well-spread seed from (seed, epoch, position) (SplitMix64 finaliser). */
    static long mix(long seed, int epoch, int position) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position * 0x94D049BB133111EBL + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
