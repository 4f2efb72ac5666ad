package org.vificlip.video.avi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.NpyFile;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.video.VideoFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.vificlip.video.avi.AviFixtures.*;

/** The dataset loader on AVI files as UCF-101 ships them: batches match the reference, broken files are skipped. */
class AviDatasetLoaderTest {
    @TempDir
    Path tmp;

    private List<VideoListEntry> entries() throws IOException {
        List<VideoListEntry> entries = new ArrayList<>();
        for (int i = 0; i < AVIS.size(); i++) {
            entries.add(new VideoListEntry(dir().resolve(AVIS.get(i)), i, i + 1));
        }
        Path cut = tmp.resolve("truncated.avi");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(dir().resolve(AVIS.get(0))), 100_000));
        entries.add(1, new VideoListEntry(cut, 9, 9));
        return entries;
    }

    @Test
    void testModeBatchesMatchTheReferenceAndBrokenFilesAreSkipped() throws IOException {
        int size = 224;
        List<VideoBatch> batches = new ArrayList<>();
        VideoBatchLoader.Summary summary;
        try (VideoBatchLoader loader = new VideoBatchLoader(entries(),
                VideoBatchLoader.Options.defaults(ClipSpec.test(8, size), 2).withThreads(2))) {
            loader.forEachRemaining(batches::add);
            summary = loader.summary();
        }
        assertEquals(3, summary.loaded(), summary.toString());
        assertEquals(1, summary.skipped(), summary.toString());
        assertTrue(summary.failures().get(0).contains("truncated.avi"), summary.toString());

        int perVideo = 8 * 3 * size * size;
        int checked = 0;
        for (VideoBatch batch : batches) {
            for (int b = 0; b < batch.batch(); b++) {
                String name = batch.videos().get(b).getFileName().toString();
                assertEquals(AVIS.indexOf(name), batch.labels()[b], name + " label");
                float[] want = NpyFile.read(dir().resolve(name.replace(".avi", ".preprocessed.npy"))).floats();
                float[] got = Arrays.copyOfRange(batch.data(), b * perVideo, (b + 1) * perVideo);
                VideoFixtures.assertTensorClose(name, got, want);
                checked++;
            }
        }
        assertEquals(3, checked);
    }

    @Test
    void trainModeSamplingSeeksAnywhere() throws IOException {
        List<VideoListEntry> good = entries().stream().filter(e -> !e.video().toString().endsWith("truncated.avi")).toList();
        try (VideoBatchLoader loader = new VideoBatchLoader(good,
                VideoBatchLoader.Options.defaults(ClipSpec.train(8, 64), 3).withThreads(2).withSeed(7, 1))) {
            VideoBatch batch = loader.next();
            assertArrayEquals(new long[]{3, 8, 3, 64, 64}, batch.shape());
            assertFalse(loader.hasNext());
            assertEquals(0, loader.summary().skipped(), loader.summary().toString());
        }
    }
}
