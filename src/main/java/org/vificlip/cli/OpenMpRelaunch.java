package org.vificlip.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Runs {@code demo} in a child JVM with {@code OMP_WAIT_POLICY=PASSIVE} (and {@code MALLOC_ARENA_MAX=2}) when
 * the user has not set them. OpenMP reads the wait policy only when ND4J's native library starts, so it cannot be
 * changed from inside the process; by default its threads spin between ops, and on a machine where other work
 * holds the cores that made the demo take 7 minutes instead of 1.5 (measured on 2 busy cores). A user who sets
 * OMP_WAIT_POLICY to anything keeps their choice; tests call {@link Main#run} and never get here.
 */
final class OpenMpRelaunch {
    /** Commands that relaunch: the demo promises minutes, whatever else the machine runs. */
    private static final Set<String> COMMANDS = Set.of("demo");
    /** Set in the child so it never relaunches again. */
    private static final String MARKER = "vificlip.relaunched";

    private OpenMpRelaunch() {
    }

    /** The child's exit code when it ran the command, else empty (run it in this JVM). */
    static OptionalInt ifNeeded(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0]) || System.getenv("OMP_WAIT_POLICY") != null
                || System.getProperty(MARKER) != null || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            return OptionalInt.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) {
            return OptionalInt.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(java.get());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + MARKER + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent("MALLOC_ARENA_MAX", "2");
        try {
            Process child = builder.start();
            return OptionalInt.of(child.waitFor());
        } catch (Exception e) {
            // could not start a JVM: run here, only slower on a busy machine
            return OptionalInt.empty();
        }
    }
}
