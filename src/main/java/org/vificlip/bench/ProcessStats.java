package org.vificlip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory, threads and CPU time as Linux reports them, the same fields the Python side
 * of {@code benchmarks/train} reads: {@code VmHWM} (peak resident set), {@code VmRSS} and
 * {@code Threads} from {@code /proc/self/status}; user and system CPU time of all threads from
 * {@code /proc/self/stat} (the JVM's beans give only their sum). Resident memory covers the Java heap
 * and ND4J's off-heap buffers alike, so it is the number to compare with PyTorch's.
 *
 * @param peakRssMb VmHWM, MB
 * @param rssMb     VmRSS, MB
 * @param threads   threads of the process (JVM threads included)
 * @param userS     user CPU seconds since the process started
 * @param systemS   system CPU seconds since the process started
 */
public record ProcessStats(double peakRssMb, double rssMb, int threads, double userS, double systemS) {
    /**
     * Clock ticks per second of {@code /proc/self/stat}'s times: USER_HZ, fixed at 100 in Linux's ABI
     * with user space on every architecture the project runs on.
     */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Reads the current values; all zero when /proc is not there (not Linux). */
    public static ProcessStats now() {
        double hwm = 0;
        double rss = 0;
        int threads = 0;
        double user = 0;
        double system = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kilobytes(line) / 1024.0;
                } else if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) / 1024.0;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring("Threads:".length()).strip());
                }
            }
            // the command name (field 2) may hold spaces and parentheses: fields are counted after its ')'
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split("\\s+");
            user = Long.parseLong(fields[14 - 3]) / TICKS_PER_SECOND;    // utime, field 14
            system = Long.parseLong(fields[15 - 3]) / TICKS_PER_SECOND;  // stime, field 15
        } catch (IOException e) {
            // not Linux: zeros
        }
        return new ProcessStats(hwm, rss, threads, user, system);
    }

    private static long kilobytes(String statusLine) {
        return Long.parseLong(statusLine.substring(statusLine.indexOf(':') + 1).strip().split("\\s+")[0]);
    }
}
