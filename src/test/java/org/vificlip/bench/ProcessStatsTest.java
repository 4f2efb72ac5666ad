package org.vificlip.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /proc/self/status and /proc/self/stat as read for benchmarks/train, against the JVM's own numbers. */
class ProcessStatsTest {

    @Test
    void cpuTimesAddUpToTheJvmsProcessCpuTime() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ProcessStats before = ProcessStats.now();
        long jvmBefore = os.getProcessCpuTime();
        double sink = 0;
        var thread = ManagementFactory.getThreadMXBean();
        long end = thread.getCurrentThreadCpuTime() + 300_000_000L;  // 0.3 s of CPU on this thread, however loaded
        while (thread.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                sink += Math.sqrt(sink + 1);
            }
        }
        ProcessStats after = ProcessStats.now();
        double jvmSeconds = (os.getProcessCpuTime() - jvmBefore) / 1e9;
        double ours = (after.userS() + after.systemS()) - (before.userS() + before.systemS());
        assertTrue(sink > 0);
        assertTrue(after.userS() - before.userS() >= 0.25, "user time of 0.3 s of busy loop: " + (after.userS() - before.userS()));
        // other JVM threads (JIT, GC) run meanwhile; both numbers count them; /proc's ticks are 10 ms
        assertEquals(jvmSeconds, ours, 0.05, "user + system from /proc/self/stat vs the JVM's process CPU time");
    }

    @Test
    void residentMemoryAndThreads() {
        ProcessStats s = ProcessStats.now();
        long heapMb = Runtime.getRuntime().totalMemory() / (1 << 20);
        assertTrue(s.rssMb() > 10, "VmRSS " + s.rssMb());
        assertTrue(s.peakRssMb() >= s.rssMb(), "VmHWM " + s.peakRssMb() + " below VmRSS " + s.rssMb());
        assertTrue(s.threads() >= Thread.activeCount(), "Threads " + s.threads() + " < live Java threads "
                + Thread.activeCount());
        assertTrue(heapMb > 0);
    }
}
