package org.vificlip.bench;

import org.vificlip.data.ClipSpec;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.video.FrameSampler;
import org.vificlip.video.Mp4H264Reader;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Video input throughput, run by {@code benchmarks/video/run.sh}:
 * <ul>
 *   <li>{@code decode FILE...}: whole-clip decoding in frames/s on one thread (YUV only, and to RGB),
 *       next to {@code ffmpeg -threads 1} decoding the same file in the same run (to yuv420p and to
 *       rgb24, {@code -stream_loop} to amortise its start-up, its own {@code -benchmark} timer); and the
 *       time to open a clip and get its 8 test-mode frames.</li>
 *   <li>{@code loader THREADS FILE...}: the batch loader's throughput in videos/s for 8 frames at 224
 *       (test pipeline), over the files repeated to VIDEOS videos, batch size 4.</li>
 * </ul>
 */
public final class VideoBench {
    private static final Pattern RTIME = Pattern.compile("rtime=([0-9.]+)s");

    private VideoBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: VideoBench decode FILE... | VideoBench loader THREADS VIDEOS FILE...");
            System.exit(2);
        }
        switch (args[0]) {
            case "decode" -> decode(Arrays.copyOfRange(args, 1, args.length));
            case "loader" -> loader(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void decode(String[] files) throws Exception {
        System.out.printf("%-26s %7s %12s %12s %12s %12s %8s %8s %10s%n", "clip", "frames", "ours yuv f/s",
                "ours rgb f/s", "ffmpeg yuv", "ffmpeg rgb", "yuv x", "rgb x", "8 frames ms");
        for (String name : files) {
            Path file = Path.of(name);
            int frames;
            try (VideoReader r = VideoReaders.open(file)) {
                frames = r.info().frameCount();
            }
            int rounds = Math.max(3, 600 / frames);
            // warm-up (JIT), then timed rounds; fresh reader each round, as a loader would open each video
            ours(file, frames, 2, false);
            ours(file, frames, 2, true);
            double oursYuv = ours(file, frames, rounds, false);
            double oursRgb = ours(file, frames, rounds, true);
            double ffYuv = ffmpeg(file, frames, rounds, "yuv420p");
            double ffRgb = ffmpeg(file, frames, rounds, "rgb24");
            double sampledMs = sampled8(file, frames);
            System.out.printf("%-26s %7d %12.0f %12.0f %12.0f %12.0f %8.2f %8.2f %10.1f%n", file.getFileName(), frames,
                    oursYuv, oursRgb, ffYuv, ffRgb, oursYuv / ffYuv, oursRgb / ffRgb, sampledMs);
        }
    }

    private static double ours(Path file, int frames, int rounds, boolean rgb) throws IOException {
        int[] all = new int[frames];
        Arrays.setAll(all, i -> i);
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            try (VideoReader reader = VideoReaders.open(file)) {
                if (rgb) {
                    reader.read(all);
                } else if (reader instanceof Mp4H264Reader mp4) {
                    mp4.readYuv(all);
                } else {
                    reader.read(all);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return rounds * (double) frames / seconds;
    }

    /** Mean time to open the clip and decode its 8 test-mode frames (what evaluation needs per video). */
    private static double sampled8(Path file, int frames) throws IOException {
        int[] idx = FrameSampler.testIndices(frames, 8);
        int rounds = 10;
        for (int r = 0; r < 2; r++) {
            try (VideoReader reader = VideoReaders.open(file)) {
                reader.read(idx);
            }
        }
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            try (VideoReader reader = VideoReaders.open(file)) {
                reader.read(idx);
            }
        }
        return (System.nanoTime() - start) / 1e6 / rounds;
    }

    private static double ffmpeg(Path file, int frames, int rounds, String pixFmt) throws Exception {
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads", "1",
                "-stream_loop", String.valueOf(rounds - 1), "-i", file.toString(),
                "-map", "0:v:0", "-pix_fmt", pixFmt, "-f", "null", "-");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String rtime = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = RTIME.matcher(line);
                if (m.find()) {
                    rtime = m.group(1);
                }
            }
        }
        if (p.waitFor() != 0 || rtime == null) {
            return Double.NaN;
        }
        return rounds * (double) frames / Double.parseDouble(rtime);
    }

    private static void loader(int threads, int count, String[] files) throws Exception {
        List<VideoListEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(new VideoListEntry(Path.of(files[i % files.length]), i % 10, i + 1));
        }
        ClipSpec spec = ClipSpec.test(8, 224);
        VideoBatchLoader.Options options = VideoBatchLoader.Options.defaults(spec, 4).withThreads(threads);
        // warm-up pass
        try (VideoBatchLoader loader = new VideoBatchLoader(entries.subList(0, Math.min(4, count)), options)) {
            loader.forEachRemaining(b -> { });
        }
        long start = System.nanoTime();
        int videos = 0;
        try (VideoBatchLoader loader = new VideoBatchLoader(entries, options)) {
            while (loader.hasNext()) {
                VideoBatch batch = loader.next();
                videos += batch.batch();
            }
            System.err.println("loader summary: " + loader.summary());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("loader threads=%d, %s: %d videos (8 frames, 224, batch 4) in %.2f s = %.1f videos/s (%.0f ms per video)%n",
                threads, files.length == 1 ? Path.of(files[0]).getFileName() : files.length + " clips", videos, seconds, videos / seconds, 1000 * seconds / videos);
    }
}
