package org.vificlip.spark;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.cli.Command;
import org.vificlip.cli.ConfigOptions;
import org.vificlip.cli.Main;

import java.util.List;

/**
 * {@code vificlip spark <features|eval|train> --config C.yaml --weights W ...}: the jobs that outgrow one machine,
 * on Apache Spark, from the same configs and list files. Run through {@code spark-submit} (main class
 * {@link SparkMain}); Spark is not bundled, so this class only names Spark's classes through {@link SparkJobs},
 * and says how to run when Spark is missing.
 */
public final class SparkCommand implements Command {
    static final List<String> JOBS = List.of("features", "eval", "train");

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String summary() {
        return "features, eval or train on an Apache Spark cluster (run through spark-submit; see README)";
    }

    @Override
    public Options options() {
        return ConfigOptions.add(new Options())
                .addOption(Option.builder().longOpt("list").hasArg().argName("val|train")
                        .desc("features: the list to extract, DATA.VAL_FILE (default) or DATA.TRAIN_FILE").build())
                .addOption(Option.builder().longOpt("out").hasArg().argName("PATH")
                        .desc("features: the Parquet dataset of (path, label, feature) (required); eval: results JSON").build())
                .addOption(Option.builder().longOpt("skipped").hasArg().argName("PATH")
                        .desc("features: the Parquet dataset of skipped videos (path, label, line, problem);"
                                + " default: --out with _skipped appended").build())
                .addOption(Option.builder().longOpt("output").hasArg().argName("DIR")
                        .desc("train: output directory on the driver (default: OUTPUT of the config)").build())
                .addOption(Option.builder().longOpt("resume").hasArg().argName("FILE|auto")
                        .desc("train: continue a run from one of its checkpoints, as train --resume").build())
                .addOption(Option.builder().longOpt("partitions").hasArg().argName("N")
                        .desc("tasks per job (features, eval) and workers per batch (train);"
                                + " default: the cluster's default parallelism").build())
                .addOption(Option.builder().longOpt("average-every").hasArg().argName("K")
                        .desc("train: parameter averaging instead of a gradient exchange every step: each worker takes K"
                                + " steps on its shares with its own AdamW, then weights and moments are averaged").build())
                .addOption(Option.builder().longOpt("master").hasArg().argName("URL")
                        .desc("Spark master when not run by spark-submit (default there: local[*])").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        List<String> args = cmd.getArgList();
        if (args.size() != 1 || !JOBS.contains(args.get(0))) {
            throw new ParseException("give one job: " + String.join(", ", JOBS) + (args.isEmpty() ? "" : " (got " + args + ")"));
        }
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, SparkCommand.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            System.err.println("vificlip spark: Apache Spark is not on the class path. Run through spark-submit:\n"
                    + "  spark-submit --class " + SparkMain.class.getName() + " target/vificlip.jar " + args.get(0)
                    + " --config C.yaml --weights W ...   (see README, 'On a Spark cluster')");
            return Main.EXIT_BAD_INPUT;
        }
        return SparkJobs.run(args.get(0), cmd);
    }
}
