package org.vificlip.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vificlip.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@link Main#run} with standard output and error captured, for command tests:
 * {@code @RegisterExtension final MainRunner cli = new MainRunner();} then {@code cli.run(...)},
 * {@code cli.stdout()}, {@code cli.stderr()}. Each test gets the real streams (and standard input) back.
 */
public final class MainRunner implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private InputStream savedIn;

    @Override
    public void beforeEach(ExtensionContext context) {
        savedOut = System.out;
        savedErr = System.err;
        savedIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(savedOut);
        System.setErr(savedErr);
        System.setIn(savedIn);
    }

    /** Runs the command line with fresh output buffers; returns its exit code. */
    public int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    /** What the last {@link #run} printed to standard output. */
    public String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the last {@link #run} printed to standard error. */
    public String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
