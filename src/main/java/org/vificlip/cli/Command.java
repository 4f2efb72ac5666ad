package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One sub-command of {@code vificlip}. {@link Main} parses the options, prints {@code --help},
 * turns bad input into a one-line error and a non-zero exit, so a command only declares and runs.
 */
public interface Command {
    /** The word on the command line, e.g. {@code tokenize}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The command's own options; {@code --help} is added by {@link Main}. */
    Options options();

    /** Runs with parsed options; returns the process exit code. */
    int run(CommandLine cmd) throws Exception;
}
