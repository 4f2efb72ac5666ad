package org.vificlip.spark;

import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.Progress;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipModel;
import org.vificlip.train.AdamW;
import org.vificlip.train.ClassPrompts;
import org.vificlip.train.CosineLrSchedule;
import org.vificlip.train.EpochLoop;
import org.vificlip.train.GradientAccumulation;
import org.vificlip.MemoryReclaimer;
import org.vificlip.train.MetricsLog;
import org.vificlip.train.MixupCutmix;
import org.vificlip.train.TrainingCheckpoint;
import org.vificlip.train.TrainingRun;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Synchronous data-parallel training, ViFi-CLIP's {@code main} as {@link TrainingRun} runs it, with each
 * batch's gradient computed by the executors: every step, the batch's videos (the same ones, in the same
 * epoch order, with the same augmentation draws as on one machine) are shared out over the workers; each
 * computes the gradient of its share's mean loss with the weights broadcast for this step; Spark's tree
 * aggregation sums them weighted by the share sizes; the driver divides by the batch size, which gives the
 * gradient of the batch's mean loss, and applies AdamW once. The new weights go out with the next step's
 * broadcast. So N workers with batch B give the weights one machine gives with batch B (to float rounding).
 * <p>
 * The driver does what only one should: the schedule, the optimizer state, checkpoints, resume, the metrics
 * CSV and plots, evaluations (themselves distributed). A failed task is run again by Spark: it reads the
 * same broadcast weights and the same videos with the same seeds, so the step's result does not change.
 * <p>
 * Differences from one machine: a video that cannot be decoded leaves its batch one video short (one machine
 * takes the next video of the list instead); with AUG.MIXUP > 0 each worker blends its own share, as
 * PyTorch's DistributedDataParallel does on each GPU, not the whole batch.
 */
public final class DistributedTraining {
    /** A prepared run, as {@link TrainingRun.Setup}, with the cluster and the model's source for the executors. */
    public record Setup(JavaSparkContext sc, ViFiClipConfig config, ClipModel model, ModelSource source,
                        ConfigDataset dataset, Path outputDir, Path resumeFrom, int loaderThreads, int partitions,
                        int averageEvery) {
    }

    /** What the workers need for one step besides their share and the weights. */
    record StepPlan(ModelSource source, ClipModel.Tower tower, String run, int[][] prompts, int numFrames, int size,
                    long seed, int epoch, int idx, int numClasses, double labelSmooth, double mixup, double cutmix,
                    double switchProb, int threads) implements Serializable {
        StepPlan forBatch(int batch) {
            return new StepPlan(source, tower, run, prompts, numFrames, size, seed, epoch, batch, numClasses, labelSmooth,
                    mixup, cutmix, switchProb, threads);
        }
    }

    private final Setup setup;
    private final ViFiClipConfig config;
    private final ClipModel model;
    private final ConfigDataset dataset;
    private final ClipModel.Tower tower;
    private final List<String> allParameters;
    private final int[][] prompts;
    private final AdamW optimizer;
    private final String run = UUID.randomUUID().toString();
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final GradientAccumulation accumulation;
    private final MemoryReclaimer reclaimer = MemoryReclaimer.standard();

    private double lr;
    private long updates;
    /** Grows with every update of the weights; the executors copy broadcast weights only when it changed. */
    private long weightsVersion;
    private Broadcast<ModelWeights> broadcast;

    private DistributedTraining(Setup setup) {
        this.setup = setup;
        this.config = setup.config();
        this.model = setup.model();
        this.dataset = setup.dataset();
        this.tower = ClipModel.Tower.valueOf(config.trainer().use().toUpperCase(Locale.ROOT));
        this.allParameters = List.copyOf(model.trainableParameters());
        this.prompts = ClassPrompts.tokens(config, dataset.classNames(), model.config());
        this.optimizer = AdamW.vifiClip(config.train().weightDecay());
        this.accumulation = new GradientAccumulation(config.train().accumulationSteps());
    }

    public static TrainingRun.Outcome run(Setup setup) throws IOException {
        DistributedTraining training = new DistributedTraining(setup);
        try {
            return training.run();
        } finally {
            if (training.broadcast != null) {
                training.broadcast.destroy();
            }
        }
    }

    private TrainingRun.Outcome run() throws IOException {
        ViFiClipConfig.Train train = config.train();
        Path outputDir = setup.outputDir();
        model.trainOnly(tower);
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        List<VideoListEntry> trainVideos = dataset.trainVideos();
        List<VideoListEntry> valVideos = dataset.valVideos();
        int batchesPerEpoch = trainVideos.size() / train.batchSize();
        if (batchesPerEpoch == 0) {
            throw new BadInputException(dataset.trainList(), trainVideos.size() + " usable videos, fewer than one batch of "
                    + "TRAIN.BATCH_SIZE " + train.batchSize());
        }
        CosineLrSchedule schedule = CosineLrSchedule.vifiClip(train.lr(), train.epochs(), train.warmupEpochs(), batchesPerEpoch);
        Files.createDirectories(outputDir);
        Files.writeString(outputDir.resolve("config.yaml"), config.toYaml());

        int startEpoch = 0;
        double maxAccuracy = 0;
        lr = schedule.initialLr();
        try (MetricsLog log = new MetricsLog(outputDir)) {
            if (setup.resumeFrom() != null) {
                TrainingCheckpoint.Resume r = TrainingCheckpoint.load(setup.resumeFrom(), model, allParameters, optimizer);
                startEpoch = r.nextEpoch();
                maxAccuracy = r.maxAccuracy();
                lr = r.lr();
                updates = r.updates();
                log.log("resumed from " + setup.resumeFrom() + ": epoch " + startEpoch + ", max accuracy "
                        + String.format(Locale.ROOT, "%.2f%%", maxAccuracy), true);
            } else {
                log.log("config " + config.source() + "\n" + config.toYaml(), false);
            }
            log.log(String.format(Locale.ROOT, "training %s on %d videos (%d batches of %d per epoch, %d per update, each "
                            + "shared out over %d workers), %d classes, %d epochs; validating on %d videos; output %s",
                    tower.name().toLowerCase(Locale.ROOT), trainVideos.size(), batchesPerEpoch, train.batchSize(),
                    train.accumulationSteps(), Math.min(setup.partitions(), train.batchSize()), dataset.classNames().size(),
                    train.epochs(), valVideos.size(), outputDir), true);

            log.log(traffic(Math.min(setup.partitions(), train.batchSize())), true);

            return EpochLoop.run(new EpochLoop.Run() {
                @Override
                public void trainOneEpoch(int epoch) throws IOException {
                    if (setup.averageEvery() > 0) {
                        trainOneEpochAveraging(epoch, trainVideos, batchesPerEpoch, schedule, log);
                    } else {
                        DistributedTraining.this.trainOneEpoch(epoch, trainVideos, batchesPerEpoch, schedule, log);
                    }
                }

                @Override
                public EvalResult evaluate(int clips, int crops) throws IOException {
                    return DistributedTraining.this.evaluate(valVideos, clips, crops);
                }

                @Override
                public void saveCheckpoint(Path file, int epoch, double maxAccuracy) throws IOException {
                    TrainingCheckpoint.save(file, model, allParameters, optimizer, schedule,
                            new TrainingCheckpoint.RunState(epoch, maxAccuracy, lr, updates, config.seed()), config.asNestedMap());
                }
            }, config, startEpoch, maxAccuracy, batchesPerEpoch, log, outputDir);
        }
    }

    private void trainOneEpoch(int epoch, List<VideoListEntry> videos, int batchesPerEpoch, CosineLrSchedule schedule,
                               MetricsLog log) throws IOException {
        ViFiClipConfig.Train train = config.train();
        int batchSize = train.batchSize();
        List<VideoListEntry> order = VideoBatchLoader.epochOrder(videos, config.seed(), epoch);
        List<String> skipped = new ArrayList<>();
        accumulation.clear();
        try (ProgressBar bar = Progress.bar(String.format("epoch %d/%d", epoch + 1, train.epochs()), batchesPerEpoch, "batches")) {
            for (int idx = 0; idx < batchesPerEpoch; idx++) {
                long start = System.nanoTime();
                int first = idx * batchSize;
                List<Slice> shares = Slice.shares(order.subList(first, first + batchSize), first, setup.partitions());
                GradientSum sum = gradients(shares, plan(epoch, idx));
                skipped.addAll(sum.skipped());
                ConfigDataset.checkUsable(dataset.trainList(), videos.size(), skipped, "undecodable");
                if (sum.videos() == 0) {
                    log.log("epoch " + epoch + " batch " + idx + ": no video could be loaded; step skipped", true);
                    continue;
                }
                boolean update = accumulation.updatesAfter(idx);
                Map<String, INDArray> gradient = meanGradient(sum);
                accumulation.add(idx, gradient, optimizer, parameters, lr);
                gradient.values().forEach(INDArray::close);
                reclaimer.afterStep();
                if (update) {
                    updates++;
                    weightsVersion++;
                    lr = schedule.lrAt((long) epoch * batchesPerEpoch + idx);
                }
                double loss = sum.meanLoss();
                double rate = sum.videos() / ((System.nanoTime() - start) / 1e9);
                log.step(epoch, (long) epoch * batchesPerEpoch + idx, loss, lr, rate);
                if (idx % config.printFreq() == 0) {
                    log.log(String.format(Locale.ROOT, "Train: [%d/%d][%d/%d]\tlr %.9f\tloss %.4f\t%.2f videos/s (%d workers)",
                            epoch, train.epochs(), idx, batchesPerEpoch, lr, loss, rate, shares.size()), false);
                }
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e %.1f videos/s", loss, lr, rate));
            }
        }
    }

    /**
     * Parameter averaging: rounds of {@code averageEvery} batches; in each, every worker steps through its
     * share of each batch with its own AdamW, then weights and moments are averaged (see {@link ParameterAveraging}).
     */
    private void trainOneEpochAveraging(int epoch, List<VideoListEntry> videos, int batchesPerEpoch,
                                        CosineLrSchedule schedule, MetricsLog log) throws IOException {
        ViFiClipConfig.Train train = config.train();
        int batchSize = train.batchSize();
        int workers = Math.min(setup.partitions(), batchSize);
        List<VideoListEntry> order = VideoBatchLoader.epochOrder(videos, config.seed(), epoch);
        List<String> skipped = new ArrayList<>();
        List<String> keys = List.copyOf(parameters.keySet());
        try (ProgressBar bar = Progress.bar(String.format("epoch %d/%d", epoch + 1, train.epochs()), batchesPerEpoch, "batches")) {
            for (int first = 0; first < batchesPerEpoch; first += setup.averageEvery()) {
                long start = System.nanoTime();
                int steps = Math.min(setup.averageEvery(), batchesPerEpoch - first);
                double[] lrs = new double[steps];
                double[] lrAfter = new double[steps];
                double next = lr;
                for (int k = 0; k < steps; k++) {
                    lrs[k] = next;
                    next = schedule.lrAt((long) epoch * batchesPerEpoch + first + k); // as one machine, after each update
                    lrAfter[k] = next;
                }
                List<ParameterAveraging.Round> rounds = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    List<Slice> shares = new ArrayList<>();
                    List<Integer> indices = new ArrayList<>();
                    for (int k = 0; k < steps; k++) {
                        int idx = first + k;
                        shares.add(Slice.shares(order.subList(idx * batchSize, (idx + 1) * batchSize), idx * batchSize, workers).get(w));
                        indices.add(idx);
                    }
                    rounds.add(new ParameterAveraging.Round(w, shares, indices, lrs));
                }
                Broadcast<ModelWeights> weights = currentWeights();
                Broadcast<ParameterAveraging.State> state = setup.sc().broadcast(ParameterAveraging.state(keys, optimizer));
                StepPlan plan = plan(epoch, first);
                double weightDecay = train.weightDecay();
                ParameterAveraging.Sum sum;
                try {
                    sum = setup.sc().parallelize(rounds, rounds.size()).treeAggregate(new ParameterAveraging.Sum(),
                            (acc, round) -> acc.add(ParameterAveraging.localSteps(round, plan, weights.value(), state.value(),
                                    weightDecay)), ParameterAveraging.Sum::add, 2);
                } finally {
                    state.destroy();
                }
                ParameterAveraging.applyAverage(sum, model, optimizer);
                reclaimer.afterStep();
                updates += steps;
                weightsVersion++;
                lr = next;
                skipped.addAll(sum.skipped);
                ConfigDataset.checkUsable(dataset.trainList(), videos.size(), skipped, "undecodable");
                double rate = (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
                for (int k = 0; k < steps; k++) {
                    double loss = sum.losses[k] / sum.workers;
                    log.step(epoch, (long) epoch * batchesPerEpoch + first + k, loss, lrAfter[k], rate);
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e %.1f videos/s", loss, lrAfter[k], rate));
                }
                log.log(String.format(Locale.ROOT, "Train: [%d/%d][%d-%d/%d]\tlr %.9f\tloss %.4f\t%.2f videos/s (%d workers,"
                                + " averaged after %d local steps)", epoch, train.epochs(), first, first + steps - 1,
                        batchesPerEpoch, lr, sum.losses[steps - 1] / sum.workers, rate, workers, steps), false);
            }
        }
    }

    /**
     * What one step moves: the trained weights to every worker (Spark's torrent broadcast spreads the copies
     * over the workers, but each one receives them all) and each worker's gradient sum back (tree aggregation).
     */
    private String traffic(int workers) {
        long floats = parameters.values().stream().mapToLong(INDArray::length).sum();
        double mb = floats * 4.0 / 1e6;
        return String.format(Locale.ROOT, "each step moves %,d trained parameters (%.1f MB float32) out to each of %d workers"
                + " and %d gradient sums of %.1f MB back: %.1f MB in all", floats, mb, workers, workers, mb, 2 * workers * mb);
    }

    private StepPlan plan(int epoch, int idx) {
        ViFiClipConfig.Aug aug = config.aug();
        return new StepPlan(setup.source(), tower, run, prompts, config.data().numFrames(), config.data().inputSize(),
                config.seed(), epoch, idx, dataset.classNames().size(), aug.labelSmooth(), aug.mixup(), aug.cutmix(),
                aug.mixupSwitchProb(), setup.loaderThreads());
    }

    /** One step's job: every share's gradient sum, added up by Spark's tree aggregation. */
    private GradientSum gradients(List<Slice> shares, StepPlan plan) {
        Broadcast<ModelWeights> weights = currentWeights();
        return setup.sc().parallelize(shares, shares.size())
                .treeAggregate(GradientSum.empty(), (acc, share) -> acc.add(shareGradients(share, plan, weights.value())),
                        GradientSum::add, 2);
    }

    /** The broadcast of the weights as they are now (a new one only after an update). */
    private Broadcast<ModelWeights> currentWeights() {
        if (broadcast == null || broadcast.value().version() != weightsVersion) {
            if (broadcast != null) {
                broadcast.destroy();
            }
            broadcast = setup.sc().broadcast(ModelWeights.of(model, List.copyOf(parameters.keySet()), weightsVersion));
        }
        return broadcast;
    }

    private Map<String, INDArray> meanGradient(GradientSum sum) {
        Map<String, INDArray> mean = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            float[] s = sum.sums().get(e.getKey());
            mean.put(e.getKey(), Nd4j.create(s, e.getValue().shape(), e.getValue().dataType()).divi(sum.videos()));
        }
        return mean;
    }

    /** On an executor: the gradient of one share's mean loss, times its videos. */
    static GradientSum shareGradients(Slice share, StepPlan plan, ModelWeights weights) {
        List<VideoListEntry> entries = VideoRef.entries(share.videos());
        ClipSpec spec = ClipSpec.train(plan.numFrames(), plan.size());
        VideoBatchLoader.Options options = new VideoBatchLoader.Options(spec, entries.size(), plan.threads(), 1,
                false, false, plan.seed(), plan.epoch(), 600);
        VideoBatch batch;
        List<String> failures;
        try (VideoBatchLoader loader = new VideoBatchLoader(entries, options, share.firstPosition())) {
            batch = loader.hasNext() ? loader.next() : null;
            failures = loader.summary().failures();
        }
        if (batch == null) {
            return GradientSum.ofShare(0, 0, new LinkedHashMap<>(), failures);
        }
        try {
            GradientSum sum = ExecutorModels.with(plan.source(), plan.tower(), plan.run(), weights, model -> {
                try (INDArray targets = targets(batch, share.index(), plan);
                     INDArray frames = batch.toINDArray();
                     ClipModel.Gradients g = model.gradients(frames, plan.prompts(), targets)) {
                    Map<String, float[]> gradient = new LinkedHashMap<>();
                    for (Map.Entry<String, INDArray> e : g.byParameter().entrySet()) {
                        gradient.put(e.getKey(), ModelWeights.flat(e.getValue()));
                    }
                    return GradientSum.ofShare(batch.batch(), g.loss(), gradient, failures);
                }
            });
            FaultInjection.maybeFail("the gradients of share " + share.index());
            return sum;
        } catch (IOException e) {
            throw ExecutorModels.unchecked(e);
        }
    }

    /** Label-smoothed one-hot targets, or mixup/cutmix over this share (seeded by seed, epoch, batch, share). */
    static INDArray targets(VideoBatch batch, int share, StepPlan plan) {
        if (plan.mixup() <= 0) {
            return ClipModel.targets(batch.labels(), plan.numClasses(), plan.labelSmooth());
        }
        MixupCutmix mixup = new MixupCutmix(plan.numClasses(), plan.labelSmooth(), plan.mixup(), plan.cutmix(), plan.switchProb());
        long seed = plan.seed() * 0x9E3779B97F4A7C15L + (plan.epoch() + 1L) * 0xBF58476D1CE4E5B9L
                + (plan.idx() + 1L) * 0x94D049BB133111EBL + (share + 1L) * 0xD6E8FEB86659FD93L;
        return mixup.apply(batch.data(), batch.batch(), batch.frames(), batch.size(), batch.size(), batch.labels(),
                RandomSource.SPLIT_MIX_64.create(seed)).targets();
    }

    /** A distributed evaluation with the weights as they are now. */
    private EvalResult evaluate(List<VideoListEntry> videos, int clips, int crops) throws IOException {
        INDArray textFeatures = model.encodeText(prompts);
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(), clips, crops,
                config.train().batchSize(), setup.loaderThreads());
        DistributedEval.Model m = new DistributedEval.Model(setup.source(), tower, run, currentWeights());
        return DistributedEval.evaluate(setup.sc(), m, textFeatures, dataset.classNames(), videos, dataset.valList(),
                options, setup.partitions());
    }
}
