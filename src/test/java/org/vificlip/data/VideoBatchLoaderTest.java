package org.vificlip.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;
import org.vificlip.video.FrameTensor;
import org.vificlip.video.VideoFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoBatchLoaderTest {
    private static final int SIZE = 64;

    private static Path writeList(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        int label = 0;
        for (VideoFixtures.Clip clip : VideoFixtures.h264Clips()) {
            lines.add(clip.file() + " " + label++);
        }
        lines.add(2, "bad_truncated.mp4 9"); // fails to decode: skipped, counted
        lines.add("");
        Path list = dir.resolve("val.txt");
        Files.write(list, lines);
        return list;
    }

    @Test
    void listFileResolvesAgainstTheRoot(@TempDir Path dir) throws IOException {
        List<VideoListEntry> entries = VideoListFile.read(writeList(dir), VideoFixtures.DIR);
        assertEquals(VideoFixtures.h264Clips().size() + 1, entries.size());
        assertEquals(VideoFixtures.DIR.resolve(VideoFixtures.h264Clips().get(0).file()), entries.get(0).video());
        assertEquals(9, entries.get(2).label());
        assertEquals(3, entries.get(2).line());
    }

    @Test
    void malformedListLinesNameFileAndLine(@TempDir Path dir) throws IOException {
        Path list = dir.resolve("bad.txt");
        Files.write(list, List.of("a.mp4 1", "b.mp4 cat"));
        BadInputException e = assertThrows(BadInputException.class, () -> VideoListFile.read(list, dir));
        assertTrue(e.getMessage().contains("bad.txt") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void testBatchesMatchSingleVideoLoadingAndSkipBrokenVideos(@TempDir Path dir) throws IOException {
        List<VideoListEntry> entries = VideoListFile.read(writeList(dir), VideoFixtures.DIR);
        ClipSpec spec = new ClipSpec(4, SIZE, false, 1, 1, org.vificlip.video.Normalization.VIFI_CLIP);
        VideoBatchLoader.Options options = VideoBatchLoader.Options.defaults(spec, 2).withThreads(2).withPrefetch(1);
        List<VideoBatch> batches = new ArrayList<>();
        VideoBatchLoader.Summary summary;
        try (VideoBatchLoader loader = new VideoBatchLoader(entries, options)) {
            loader.forEachRemaining(batches::add);
            summary = loader.summary();
        }
        int good = VideoFixtures.h264Clips().size();
        assertEquals(good, summary.loaded());
        assertEquals(1, summary.skipped());
        assertTrue(summary.failures().get(0).contains("bad_truncated.mp4"), summary.toString());
        assertEquals((good + 1) / 2, batches.size());
        VideoBatch first = batches.get(0);
        assertArrayEquals(new long[]{2, 4, 3, SIZE, SIZE}, first.shape());
        assertArrayEquals(new int[]{0, 1}, first.labels());
        // the broken third entry is skipped: the second batch starts with the fourth entry
        assertEquals(entries.get(3).video(), batches.get(1).videos().get(0));
        FrameTensor single = VideoClips.load(entries.get(1).video(), spec, new java.util.Random(0));
        int per = single.data().length;
        float[] second = java.util.Arrays.copyOfRange(first.data(), per, 2 * per);
        assertArrayEquals(single.data(), second);
    }

    @Test
    void trainBatchesAreReproducibleFromTheSeed(@TempDir Path dir) throws IOException {
        List<VideoListEntry> entries = VideoListFile.read(writeList(dir), VideoFixtures.DIR);
        ClipSpec spec = new ClipSpec(2, 32, true, 1, 1, org.vificlip.video.Normalization.VIFI_CLIP);
        VideoBatchLoader.Options options = VideoBatchLoader.Options.defaults(spec, 2).withSeed(42, 0);
        float[] a = firstBatch(entries, options.withThreads(1));
        float[] b = firstBatch(entries, options.withThreads(2));
        float[] c = firstBatch(entries, options.withSeed(43, 0));
        assertArrayEquals(a, b, "same seed, other thread count: same batch");
        assertFalse(java.util.Arrays.equals(a, c), "other seed: other batch");
    }

    private static float[] firstBatch(List<VideoListEntry> entries, VideoBatchLoader.Options options) {
        try (VideoBatchLoader loader = new VideoBatchLoader(entries, options)) {
            assertTrue(loader.hasNext());
            return loader.next().data();
        }
    }

    @Test
    void closingEarlyStopsCleanly(@TempDir Path dir) throws IOException {
        List<VideoListEntry> entries = VideoListFile.read(writeList(dir), VideoFixtures.DIR);
        ClipSpec spec = new ClipSpec(2, 32, false, 1, 1, org.vificlip.video.Normalization.VIFI_CLIP);
        VideoBatchLoader loader = new VideoBatchLoader(entries, VideoBatchLoader.Options.defaults(spec, 1).withThreads(2));
        assertTrue(loader.hasNext());
        loader.next();
        loader.close();
        assertFalse(loader.hasNext());
        loader.close();
    }
}
