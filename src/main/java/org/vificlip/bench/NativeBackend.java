package org.vificlip.bench;

import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which native build of ND4J this JVM actually runs, read from the libraries mapped into the process
 * (JavaCPP picks the first flavour of its list present on the class path, whatever else is there),
 * plus the thread counts ND4J uses. Recorded with every benchmark result.
 */
public final class NativeBackend {
    private NativeBackend() {
    }

    /** The classifier of the loaded {@code libnd4jcpu.so}, e.g. {@code linux-x86_64-onednn-avx2}, or "unknown". */
    public static String flavour() {
        Nd4j.getBackend(); // make sure the natives are loaded
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf("/bindings/");
                if (at >= 0 && line.endsWith("/libnd4jcpu.so")) {
                    String rest = line.substring(at + "/bindings/".length());
                    return rest.substring(0, rest.indexOf('/'));
                }
            }
        } catch (IOException e) {
            // not Linux: fall through
        }
        return "unknown";
    }

    public static Map<String, Object> describe() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("nd4j_native_flavour", flavour());
        Map<String, Object> env = new LinkedHashMap<>(Nd4j.getExecutioner().getEnvironmentInformation().entrySet()
                .stream().collect(LinkedHashMap::new, (m, e) -> m.put(String.valueOf(e.getKey()), e.getValue()), Map::putAll));
        info.put("blas_vendor", env.get("blas.vendor"));
        info.put("blas_threads", env.get("blas.threads"));
        info.put("omp_threads", env.get("omp.threads"));
        info.put("nd4j_max_threads", Nd4j.getEnvironment().maxThreads());
        info.put("onednn_helpers_allowed", Nd4j.getEnvironment().helpersAllowed());
        info.put("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"));
        info.put("java_version", System.getProperty("java.version"));
        info.put("cores", Runtime.getRuntime().availableProcessors());
        return info;
    }
}
