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
 *       rgb24, {@code -stream_loop} to amortise its start-up, its own {@code -benchmark} timer). Rates
 *       are by CPU time of the JVM process (this machine is shared, wall clock swings with the load) and by wall clock,
 *       best of three alternating runs; and the CPU time to open a clip and get its 8 test-mode
 *       frames.</li>
 *   <li>{@code loader THREADS FILE...}: the batch loader's throughput in videos/s for 8 frames at 224
 *       (test pipeline), over the files repeated to VIDEOS videos, batch size 4.</li>
 * </ul>
 */
public final class VideoBench {
    /** ffmpeg -benchmark's summary line: "bench: utime=0.123s stime=0.004s rtime=0.130s". */
    private static final Pattern BENCH = Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");

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

    /** Frames per second of one measurement: by wall clock and by CPU time of the decoding thread/process. */
    private record Rate(double wall, double cpu) {
        Rate best(Rate o) {
            return new Rate(Math.max(wall, o.wall), Math.max(cpu, o.cpu));
        }
    }

    private static void decode(String[] files) throws Exception {
        System.out.println("CPU-time rates (robust on a loaded machine); wall-clock rates in brackets; best of 3,"
                + " ours and ffmpeg measured alternately");
        System.out.printf("%-26s %6s %16s %16s %16s %16s %7s %7s %11s%n", "clip", "frames", "ours yuv f/s",
                "ffmpeg yuv f/s", "ours rgb f/s", "ffmpeg rgb f/s", "yuv x", "rgb x", "8 frames ms");
        for (String name : files) {
            Path file = Path.of(name);
            int frames;
            try (VideoReader r = VideoReaders.open(file)) {
                frames = r.info().frameCount();
            }
            int rounds = Math.max(2, 300 / frames);
            ours(file, frames, 2, false); // JIT warm-up
            ours(file, frames, 2, true);
            Rate oursYuv = new Rate(0, 0);
            Rate oursRgb = new Rate(0, 0);
            Rate ffYuv = new Rate(0, 0);
            Rate ffRgb = new Rate(0, 0);
            for (int k = 0; k < 3; k++) {
                oursYuv = oursYuv.best(ours(file, frames, rounds, false));
                ffYuv = ffYuv.best(ffmpeg(file, frames, rounds, "yuv420p"));
                oursRgb = oursRgb.best(ours(file, frames, rounds, true));
                ffRgb = ffRgb.best(ffmpeg(file, frames, rounds, "rgb24"));
            }
            double sampledMs = sampled8(file, frames);
            System.out.printf("%-26s %6d %16s %16s %16s %16s %7.3f %7.3f %11.1f%n", file.getFileName(), frames,
                    show(oursYuv), show(ffYuv), show(oursRgb), show(ffRgb),
                    oursYuv.cpu() / ffYuv.cpu(), oursRgb.cpu() / ffRgb.cpu(), sampledMs);
        }
    }

    private static String show(Rate r) {
        return String.format("%.0f [%.0f]", r.cpu(), r.wall());
    }

    private static Rate ours(Path file, int frames, int rounds, boolean rgb) throws IOException {
        int[] all = new int[frames];
        Arrays.setAll(all, i -> i);
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            // a fresh reader each round, as a loader opens each video
            try (VideoReader reader = VideoReaders.open(file)) {
                if (!rgb && reader instanceof Mp4H264Reader mp4) {
                    mp4.readYuv(all);
                } else {
                    reader.read(all);
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double n = rounds * (double) frames;
        return new Rate(n / wall, n / cpu);
    }

    /**
     * CPU time of the whole JVM (decoding runs on the reader's watchdog thread; GC and JIT threads count
     * too, so this is slightly pessimistic).
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU milliseconds (whole JVM) to open the clip and decode its 8 test-mode frames; best of 5. */
    private static double sampled8(Path file, int frames) throws IOException {
        int[] idx = FrameSampler.testIndices(frames, 8);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 7; r++) {
            long cpu0 = processCpuNanos();
            try (VideoReader reader = VideoReaders.open(file)) {
                reader.read(idx);
            }
            if (r >= 2) {
                best = Math.min(best, (processCpuNanos() - cpu0) / 1e6);
            }
        }
        return best;
    }

    /** ffmpeg -threads 1 decoding the file {@code rounds} times; its -benchmark utime and rtime. */
    private static Rate ffmpeg(Path file, int frames, int rounds, String pixFmt) throws Exception {
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads", "1",
                "-stream_loop", String.valueOf(rounds - 1), "-i", file.toString(),
                "-map", "0:v:0", "-pix_fmt", pixFmt, "-f", "null", "-");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String utime = null;
        String rtime = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = BENCH.matcher(line);
                if (m.find()) {
                    utime = m.group(1);
                    rtime = m.group(3);
                }
            }
        }
        if (p.waitFor() != 0 || rtime == null) {
            return new Rate(Double.NaN, Double.NaN);
        }
        double n = rounds * (double) frames;
        return new Rate(n / Double.parseDouble(rtime), n / Math.max(1e-3, Double.parseDouble(utime)));
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
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
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
        double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf("loader threads=%d, %s: %d videos (8 frames, 224, batch 4) in %.2f s = %.2f videos/s"
                        + " (%.0f ms wall, %.0f ms CPU per video; load average %.1f)%n",
                threads, files.length == 1 ? Path.of(files[0]).getFileName() : files.length + " clips", videos, seconds,
                videos / seconds, 1000 * seconds / videos, 1000 * cpuSeconds / videos, os.getSystemLoadAverage());
    }
}
