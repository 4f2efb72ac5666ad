package org.vificlip.bench;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** The command line of a benchmark main: adds {@code -h/--help}, parses, prints usage or the error. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** The parsed line, or null after printing help; a bad line prints its error and exits with 2. */
    static CommandLine parse(Class<?> main, Options options, String[] args) {
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return null;
        }
        if (cl.hasOption("help")) {
            new HelpFormatter().printHelp("java -cp target/vificlip.jar " + main.getName(), options);
            return null;
        }
        return cl;
    }
}
