package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.vificlip.testing.ClipFixtures;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resident memory stays flat (within 10%) over 300 training steps once warm, in a JVM started as the README
 * says to run training (fixed heap, MALLOC_ARENA_MAX=2). Warm-up is the first 100 steps, while the JIT
 * compiles SameDiff's executor.
 */
class TrainingMemoryTest {
    static final int WARM_UP = 100;
    static final int MEASURED = 300;

    @Test
    void residentMemoryIsFlatOver300StepsOnceWarm() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dfixtures.clip=" + ClipFixtures.dir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), TrainingMemoryProbe.class.getName(),
                Integer.toString(WARM_UP + MEASURED));
        Map<String, String> env = pb.environment();
        env.put("MALLOC_ARENA_MAX", "2");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = pb.start();
        List<Long> rss = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("step ")) {
                    rss.add(Long.parseLong(line.substring(line.indexOf(" rss ") + 5).trim()));
                }
            }
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "probe finished");
        assertEquals(0, process.exitValue(), "probe exit code");
        assertEquals(WARM_UP + MEASURED, rss.size());
        long warm = rss.get(WARM_UP - 1);
        long highest = rss.subList(WARM_UP - 1, rss.size()).stream().mapToLong(Long::longValue).max().orElseThrow();
        for (int step = 50; step <= rss.size(); step += 50) {
            System.out.printf("step %d: resident %.1f MB%n", step, rss.get(step - 1) / 1e6);
        }
        System.out.printf("resident memory: step %d %.1f MB, highest over the next %d steps %.1f MB (%+.1f%%)%n",
                WARM_UP, warm / 1e6, MEASURED, highest / 1e6, 100.0 * (highest - warm) / warm);
        assertTrue(highest <= warm * 1.10, "resident memory grew more than 10% after warm-up: "
                + warm / 1e6 + " MB -> " + highest / 1e6 + " MB");
    }
}
