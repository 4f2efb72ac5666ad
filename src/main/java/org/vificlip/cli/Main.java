package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.BadInputException;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** Entry point: {@code java -jar vificlip.jar <command> [options]}. */
public final class Main {
    /** Exit code for bad input or bad usage (the message says which file and what is wrong). */
    public static final int EXIT_BAD_INPUT = 2;

    private static List<Command> commands() {
        return List.of(
                // commands are registered here, one line each
                new TokenizeCommand(),
                new WeightsCommand(),
                new ExportCommand(),
                new SampleCommand(),
                new FeaturesCommand(),
                new TextFeaturesCommand(),
                new ClassifyCommand(),
                new SynthCommand(),
                new TrainCommand(),
                new EvalCommand(),
                new org.vificlip.spark.SparkCommand(),
                new DemoCommand(),
                new DownloadCommand(),
                new BenchCommand()
        );
    }

    public static void main(String[] args) {
        NativeMemoryLimits.applyDefaults();   // before anything loads ND4J
        OptionalInt child = OpenMpRelaunch.ifNeeded(args); // the demo with passive OpenMP threads: see there
        System.exit(child.isPresent() ? child.getAsInt() : run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String[] args) {
        List<Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printUsage(commands);
            return args.length == 0 ? EXIT_BAD_INPUT : 0;
        }
        Command command = commands.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            System.err.println("vificlip: unknown command '" + args[0] + "' (try --help)");
            return EXIT_BAD_INPUT;
        }
        Options options = command.options();
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        // --help is honoured before parsing, so a command's required options do not get in its way.
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            printHelp(command, options);
            return 0;
        }
        try {
            CommandLine cmd = new DefaultParser().parse(options, rest);
            return command.run(cmd);
        } catch (ParseException e) {
            System.err.println("vificlip " + command.name() + ": " + e.getMessage() + " (try --help)");
            return EXIT_BAD_INPUT;
        } catch (BadInputException e) {
            System.err.println("vificlip " + command.name() + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (Exception e) {
            System.err.println("vificlip " + command.name() + ": failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static void printUsage(List<Command> commands) {
        System.out.println("usage: vificlip <command> [options]   (vificlip <command> --help for its options)");
        System.out.println();
        for (Command c : commands) {
            System.out.printf("  %-14s %s%n", c.name(), c.summary());
        }
    }

    private static void printHelp(Command command, Options options) {
        HelpFormatter help = new HelpFormatter();
        PrintWriter out = new PrintWriter(System.out, true);
        help.printHelp(out, 100, "vificlip " + command.name() + " [options]", command.summary(), options,
                2, 2, "", true);
        out.flush();
    }
}
