package org.vificlip.spark;

import org.vificlip.cli.Main;
import org.vificlip.cli.NativeMemoryLimits;

/**
 * The main class for {@code spark-submit}: {@code spark-submit --class org.vificlip.spark.SparkMain vificlip.jar
 * <features|eval|train> --config C.yaml --weights W ...}, the same as {@code vificlip spark <job> ...}.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        NativeMemoryLimits.applyDefaults();
        String[] line = new String[args.length + 1];
        line[0] = "spark";
        System.arraycopy(args, 0, line, 1, args.length);
        int code = Main.run(line);
        if (code != 0) {
            System.exit(code);
        }
    }
}
