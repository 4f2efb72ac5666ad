package org.vificlip.spark;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.ParseException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.BadInputException;
import org.vificlip.cli.ConfigOptions;
import org.vificlip.cli.ModelOptions;
import org.vificlip.cli.TrainCommand;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ConfigDataset;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipModel;
import org.vificlip.train.ClassPrompts;
import org.vificlip.train.TrainingRun;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The three jobs' driver side: read the config and model, start (or join) the Spark session, run, report. */
final class SparkJobs {
    private SparkJobs() {
    }

    static int run(String job, CommandLine cmd) throws Exception {
        ViFiClipConfig config = ConfigOptions.load(cmd);
        ConfigDataset dataset = ConfigDataset.of(config);
        // the driver reads the weights too: bad weights stop here, before any executor starts, and train and
        // eval need them on the driver anyway (optimizer, checkpoints, text features)
        ClipModel model = ConfigOptions.loadModel(cmd, config);
        ModelSource source = new ModelSource(Path.of(cmd.getOptionValue("weights")).toString(), cmd.getOptionValue("checkpoint"));
        boolean joined = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder builder = SparkSession.builder().appName("vificlip " + job);
        if (cmd.hasOption("master")) {
            builder.master(cmd.getOptionValue("master"));
        } else if (!joined && !new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int partitions = ModelOptions.positiveInt(cmd, "partitions", sc.defaultParallelism());
            int threads = ConfigOptions.threads(cmd);
            return switch (job) {
                case "features" -> features(spark, cmd, config, dataset, source, partitions, threads);
                case "eval" -> eval(sc, cmd, config, dataset, model, source, partitions, threads);
                case "train" -> train(sc, cmd, config, dataset, model, source, partitions, threads);
                default -> throw new ParseException("unknown job " + job);
            };
        } finally {
            if (!joined) {
                spark.stop();
            }
        }
    }

    private static int features(SparkSession spark, CommandLine cmd, ViFiClipConfig config, ConfigDataset dataset,
                                ModelSource source, int partitions, int threads) throws Exception {
        String out = cmd.getOptionValue("out");
        if (out == null) {
            throw new ParseException("Missing required option: out (the Parquet dataset of features)");
        }
        String skippedOut = cmd.getOptionValue("skipped", out.replaceAll("/+$", "") + "_skipped");
        String list = cmd.getOptionValue("list", "val");
        var videos = switch (list) {
            case "val" -> dataset.valVideos();
            case "train" -> dataset.trainVideos();
            default -> throw new ParseException("--list is val or train, got '" + list + "'");
        };
        Path listFile = list.equals("val") ? dataset.valList() : dataset.trainList();
        DistributedFeatures.Options options = new DistributedFeatures.Options(source, config.data().numFrames(),
                config.data().inputSize(), config.train().batchSize(), threads);
        long start = System.nanoTime();
        DistributedFeatures.Outcome outcome = DistributedFeatures.run(spark, videos, listFile, options, partitions, out, skippedOut);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%d videos of %s in %.1f s (%.2f videos/s, %d tasks): features in %s; %d skipped,"
                        + " listed with the reason in %s%n", outcome.videos(), listFile, seconds, outcome.videos() / seconds,
                Math.min(partitions, (videos.size() + config.train().batchSize() - 1) / config.train().batchSize()), out,
                outcome.skipped().size(), skippedOut);
        return 0;
    }

    private static int eval(JavaSparkContext sc, CommandLine cmd, ViFiClipConfig config, ConfigDataset dataset, ClipModel model,
                            ModelSource source, int partitions, int threads) throws Exception {
        int[][] prompts = ClassPrompts.tokens(config, dataset.classNames(), model.config());
        INDArray textFeatures = model.encodeText(prompts);
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(),
                config.test().numClip(), config.test().numCrop(), config.train().batchSize(), threads);
        EvalResult result = DistributedEval.evaluate(sc, new DistributedEval.Model(source, ClipModel.Tower.BOTH, "", null),
                textFeatures, dataset.classNames(), dataset.valVideos(), dataset.valList(), options, partitions);
        System.out.println(result.summary());
        if (cmd.hasOption("out")) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("config", config.source().toString());
            extra.put("weights", cmd.getOptionValue("weights"));
            extra.put("checkpoint", cmd.getOptionValue("checkpoint"));
            extra.put("prompt_template", ClassPrompts.template(config).template());
            extra.put("partitions", partitions);
            Path out = Path.of(cmd.getOptionValue("out"));
            result.writeJson(out, extra);
            System.err.println("wrote " + out);
        }
        return 0;
    }

    private static int train(JavaSparkContext sc, CommandLine cmd, ViFiClipConfig config, ConfigDataset dataset, ClipModel model,
                             ModelSource source, int partitions, int threads) throws Exception {
        Path output = Path.of(cmd.getOptionValue("output", config.output()));
        if (output.toString().isBlank()) {
            throw new BadInputException(config.source(), "OUTPUT is empty: give --output DIR");
        }
        Path resume = TrainCommand.resumeFile(cmd, config, output);
        int averageEvery = cmd.hasOption("average-every") ? ModelOptions.positiveInt(cmd, "average-every", 1) : 0;
        if (averageEvery > 0 && config.train().accumulationSteps() > 1) {
            throw new ParseException("--average-every takes TRAIN.ACCUMULATION_STEPS 1 (the config has "
                    + config.train().accumulationSteps() + "): each worker's local steps are whole updates");
        }
        TrainingRun.Outcome outcome = DistributedTraining.run(new DistributedTraining.Setup(sc, config, model, source, dataset,
                output, resume, threads, partitions, averageEvery));
        TrainCommand.printOutcome(outcome, output);
        return 0;
    }
}
