package org.vificlip.bench;

import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;
import org.vificlip.video.avi.AviVideoReader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AVI (MPEG-4 Part 2) decoding speed next to FFmpeg on the same files, in the same run (see
 * benchmarks/avi/README.md). CPU time is compared, not wall time, because the machine is shared: ours is
 * this thread's CPU time, FFmpeg's the user+system time its {@code -benchmark} reports, less the time of
 * a 1-frame run (process start-up and probing), so both are per-frame decoding cost. Best of 3, alternating.
 */
public final class AviBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 3;

    private AviBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: AviBench FILE.avi...   (needs ffmpeg on the PATH)");
            return;
        }
        System.out.printf(Locale.ROOT, "%-24s %6s %8s | %8s %8s | %8s %8s | %6s %6s | %9s %9s%n", "file", "frames",
                "size", "decode", "+rgb", "ff null", "ff rgb24", "x dec", "x rgb", "8 frames", "8 (wall)");
        for (String arg : args) {
            bench(Paths.get(arg));
        }
        System.out.println("frames per CPU-second, one thread. decode = ours, pictures dropped; +rgb = ours, read() of"
                + " every frame (decode + RGB conversion); ff null = ffmpeg -threads 1 -f null (decode only);"
                + " ff rgb24 = ffmpeg decode + RGB. x dec = decode / ff null, x rgb = +rgb / ff rgb24."
                + " 8 frames: CPU (and wall) ms to open the file and read its 8 test-mode frames.");
    }

    private static void bench(Path file) throws Exception {
        int frames;
        String size;
        try (VideoReader reader = VideoReaders.open(file)) {
            frames = reader.info().frameCount();
            size = reader.info().width() + "x" + reader.info().height();
        }
        int[] all = new int[frames];
        for (int i = 0; i < frames; i++) {
            all[i] = i;
        }
        int[] sampled = testModeIndices(frames, 8);
        decodeCpu(file, all); // warm-up: JIT
        decodeCpu(file, all);
        decodeOnlyCpu(file);
        double ours = Double.MAX_VALUE;
        double oursDecode = Double.MAX_VALUE;
        double ffNull = Double.MAX_VALUE;
        double ffRgb = Double.MAX_VALUE;
        double ffStart = Double.MAX_VALUE;
        double ffStartRgb = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            ours = Math.min(ours, decodeCpu(file, all)[0]);
            oursDecode = Math.min(oursDecode, decodeOnlyCpu(file));
            ffNull = Math.min(ffNull, ffmpegCpu(file, false, 0));
            ffRgb = Math.min(ffRgb, ffmpegCpu(file, true, 0));
            ffStart = Math.min(ffStart, ffmpegCpu(file, false, 1));
            ffStartRgb = Math.min(ffStartRgb, ffmpegCpu(file, true, 1));
        }
        double[] eight = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < 5; round++) {
            double[] t = decodeCpu(file, sampled);
            eight[0] = Math.min(eight[0], t[0]);
            eight[1] = Math.min(eight[1], t[1]);
        }
        double oursFps = frames / ours;
        double decodeFps = frames / oursDecode;
        double nullFps = (frames - 1) / Math.max(1e-6, ffNull - ffStart);
        double rgbFps = (frames - 1) / Math.max(1e-6, ffRgb - ffStartRgb);
        System.out.printf(Locale.ROOT, "%-24s %6d %8s | %8.0f %8.0f | %8.0f %8.0f | %6.2f %6.2f | %6.1f ms %6.1f ms%n",
                file.getFileName(), frames, size, decodeFps, oursFps, nullFps, rgbFps, decodeFps / nullFps,
                oursFps / rgbFps, eight[0] * 1e3, eight[1] * 1e3);
    }

    /** ViFi-CLIP's test-mode sampling: frame int(i*avg + avg/2) of each of n segments. */
    static int[] testModeIndices(int frames, int n) {
        double avg = (double) frames / n;
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = Math.min(frames - 1, (int) (i * avg + avg / 2));
        }
        return indices;
    }

    /** {CPU seconds, wall seconds} to open the file and read the given frames. */
    private static double[] decodeCpu(Path file, int[] indices) throws IOException {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        try (VideoReader reader = VideoReaders.open(file)) {
            if (reader.read(indices).size() != indices.length) {
                throw new IllegalStateException("short read");
            }
        }
        return new double[]{(THREADS.getCurrentThreadCpuTime() - cpu) / 1e9, (System.nanoTime() - wall) / 1e9};
    }

    /** CPU seconds to open the file and decode every frame without converting the pictures. */
    private static double decodeOnlyCpu(Path file) throws IOException {
        long cpu = THREADS.getCurrentThreadCpuTime();
        try (VideoReader reader = VideoReaders.open(file)) {
            int n = ((AviVideoReader) reader).decodeAllWithoutConversion();
            if (n != reader.info().frameCount()) {
                throw new IllegalStateException(file + ": decoded " + n + " of " + reader.info().frameCount());
            }
        }
        return (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
    }

    private static final Pattern BENCH = Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s");

    /** User+system CPU seconds of one single-threaded ffmpeg decode (all frames, or only the first {@code limit}). */
    private static double ffmpegCpu(Path file, boolean rgb, int limit) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark",
                "-threads", "1", "-i", file.toString(), "-threads", "1", "-an"));
        if (limit > 0) {
            cmd.addAll(List.of("-frames:v", String.valueOf(limit)));
        }
        if (rgb) {
            cmd.addAll(List.of("-pix_fmt", "rgb24"));
        }
        cmd.addAll(List.of("-f", "null", "-"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed on " + file + ":\n" + out);
        }
        Matcher m = BENCH.matcher(out);
        if (!m.find()) {
            throw new IOException("no -benchmark line from ffmpeg:\n" + out);
        }
        return Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
    }
}
