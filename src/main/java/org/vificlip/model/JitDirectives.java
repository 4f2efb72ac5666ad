package org.vificlip.model;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps SameDiff's graph bookkeeping out of HotSpot's optimising compiler (C2) once training starts.
 * <p>
 * M2.1's session code is a few very large methods ({@code AbstractSession.output},
 * {@code InferenceSession.getOutputs} and {@code getAndParameterizeOp}, 70-85 kB of machine code each). C2
 * compiled them, some twice, during the first five ViT-B/16 training steps: 12.9 s of compiler CPU time on a
 * 2-core machine, taken from the step's own threads (step 5 ran 9.0 s instead of 7.3). That code is a few
 * percent of a step, so the quick compiler (C1) is enough for it: with it, the compiler took 5.8 s and the
 * steps after the first ran 6.3-7.3 s with no such spike. The rule is a HotSpot compiler directive (JEP 165),
 * added at run time through the {@code DiagnosticCommand} MBean as {@code jcmd Compiler.directives_add}
 * would; on a JVM without that command nothing changes.
 * <p>
 * {@code -Dvificlip.jitDirectives=false} leaves the compiler alone.
 */
public final class JitDirectives {
    /** SameDiff's sessions and graph code, its protobuf copy and the trie it keeps variable names in. */
    static final String DIRECTIVES = "[{ match: [\"org/nd4j/autodiff/*.*\", \"org/nd4j/shade/protobuf/*.*\","
            + " \"org/apache/commons/collections4/*.*\"], c2: { Exclude: true } }]";

    private static Boolean added;

    private JitDirectives() {
    }

    /** Adds the directives once per JVM; true if they are in force. */
    public static synchronized boolean applyOnce() {
        if (added == null) {
            added = Boolean.parseBoolean(System.getProperty("vificlip.jitDirectives", "true")) && add();
        }
        return added;
    }

    private static boolean add() {
        try {
            Path file = Files.createTempFile("vificlip-jit", ".json");
            try {
                Files.writeString(file, DIRECTIVES, StandardCharsets.UTF_8);
                Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
                return String.valueOf(reply).contains("1 compiler directives added");
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            return false;   // not HotSpot, or no management: only warm-up speed is at stake
        }
    }
}
