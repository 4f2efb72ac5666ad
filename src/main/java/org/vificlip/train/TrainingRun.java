package org.vificlip.train;

import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.BadInputException;
import org.vificlip.MemoryReclaimer;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ViFi-CLIP's {@code main} and {@code train_one_epoch}: full fine-tuning of the chosen towers with AdamW on
 * timm's cosine schedule, gradient accumulation, label smoothing or mixup/cutmix, evaluation and
 * checkpoints every {@code SAVE_FREQ} epochs and at the last, {@code best.pth} on a new best top-1, and
 * the multi-view evaluation at the end when {@code TEST.MULTI_VIEW_INFERENCE}. With prompt learning the model's
 * trainable parameters are its prompts (the encoders are graph constants); the loop is the same.
 * <p>
 * Reproducible: every random draw is seeded from (SEED, epoch, batch index) — the loader's sampling and
 * augmentation per video, mixup per batch — so a run resumed from a checkpoint continues exactly as the
 * uninterrupted run would, whatever the number of loader threads.
 */
public final class TrainingRun {
    /** A prepared run: the model is built, the dataset read, {@code resumeFrom} null for a fresh start. */
    public record Setup(ViFiClipConfig config, ClipModel model, ConfigDataset dataset, Path outputDir,
                        Path resumeFrom, int loaderThreads) {
    }

    /** What the run ends with. */
    public record Outcome(int epochs, double maxAccuracy, EvalResult lastEvaluation, EvalResult multiView) {
    }

    private final ViFiClipConfig config;
    private final ClipModel model;
    private final ConfigDataset dataset;
    private final Path outputDir;
    private final int loaderThreads;
    private final List<String> allParameters;
    private final int[][] prompts;
    private final AdamW optimizer;
    private final MixupCutmix mixup;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    /** Summed gradients of the micro-batches of one update (only with ACCUMULATION_STEPS > 1). */
    private final GradientAccumulation accumulation;
    private final MemoryReclaimer reclaimer = MemoryReclaimer.standard();

    private double lr;
    private long updates;

    private TrainingRun(Setup setup) {
        this.config = setup.config();
        this.model = setup.model();
        this.dataset = setup.dataset();
        this.outputDir = setup.outputDir();
        this.loaderThreads = setup.loaderThreads();
        this.allParameters = List.copyOf(model.parameterKeys()); // checkpoints hold the frozen weights too
        this.prompts = ClassPrompts.tokens(config, dataset.classNames(), model.config());
        this.optimizer = AdamW.vifiClip(config.train().weightDecay());
        this.accumulation = new GradientAccumulation(config.train().accumulationSteps());
        ViFiClipConfig.Aug aug = config.aug();
        this.mixup = aug.mixup() > 0
                ? new MixupCutmix(dataset.classNames().size(), aug.labelSmooth(), aug.mixup(), aug.cutmix(), aug.mixupSwitchProb())
                : null;
    }

    public static Outcome run(Setup setup) throws IOException {
        return new TrainingRun(setup).run(setup.resumeFrom());
    }

    private Outcome run(Path resumeFrom) throws IOException {
        ViFiClipConfig.Train train = config.train();
        if (model.prompts().isEmpty()) {
            model.trainOnly(tower(config)); // with prompt learning ViFi-CLIP trains the prompts whatever USE says
        }
        model.recomputeActivations(train.useCheckpoint()); // ViFi-CLIP's key for torch.utils.checkpoint
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        List<VideoListEntry> trainVideos = dataset.trainVideos();
        List<VideoListEntry> valVideos = dataset.valVideos();
        int batchesPerEpoch = trainVideos.size() / train.batchSize(); // the loader drops the last partial batch
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
            if (resumeFrom != null) {
                TrainingCheckpoint.Resume r = TrainingCheckpoint.load(resumeFrom, model, allParameters, optimizer);
                startEpoch = r.nextEpoch();
                maxAccuracy = r.maxAccuracy();
                lr = r.lr();
                updates = r.updates();
                log.log("resumed from " + resumeFrom + ": epoch " + startEpoch + ", max accuracy "
                        + String.format(Locale.ROOT, "%.2f%%", maxAccuracy), true);
            } else {
                log.log("config " + config.source() + "\n" + config.toYaml(), false);
            }
            log.log(String.format(Locale.ROOT, "training %s on %d videos (%d batches of %d per epoch, %d per update), "
                            + "%d classes, %d epochs; validating on %d videos; output %s",
                    what(), trainVideos.size(), batchesPerEpoch, train.batchSize(),
                    train.accumulationSteps(), dataset.classNames().size(), train.epochs(), valVideos.size(), outputDir), true);

            return EpochLoop.run(new EpochLoop.Run() {
                @Override
                public void trainOneEpoch(int epoch) throws IOException {
                    TrainingRun.this.trainOneEpoch(epoch, trainVideos, batchesPerEpoch, schedule, log);
                }

                @Override
                public EvalResult evaluate(int clips, int crops) throws IOException {
                    return TrainingRun.this.evaluate(valVideos, clips, crops);
                }

                @Override
                public void saveCheckpoint(Path file, int epoch, double maxAccuracy) throws IOException {
                    TrainingCheckpoint.save(file, model, allParameters, optimizer, schedule,
                            new TrainingCheckpoint.RunState(epoch, maxAccuracy, lr, updates, config.seed()), config.asNestedMap());
                }
            }, config, startEpoch, maxAccuracy, batchesPerEpoch, log, outputDir);
        }
    }

    private void trainOneEpoch(int epoch, List<VideoListEntry> videos, int batchesPerEpoch,
                               CosineLrSchedule schedule, MetricsLog log) throws IOException {
        ViFiClipConfig.Train train = config.train();
        int numClasses = dataset.classNames().size();
        ClipSpec spec = ClipSpec.train(config.data().numFrames(), config.data().inputSize());
        VideoBatchLoader.Options options = new VideoBatchLoader.Options(spec, train.batchSize(), loaderThreads, 2,
                true, true, config.seed(), epoch, 600);
        accumulation.clear();
        try (VideoBatchLoader loader = new VideoBatchLoader(videos, options);
             ProgressBar bar = Progress.bar(String.format("epoch %d/%d", epoch + 1, train.epochs()), batchesPerEpoch, "batches")) {
            for (int idx = 0; idx < batchesPerEpoch && loader.hasNext(); idx++) {
                long start = System.nanoTime();
                VideoBatch batch = loader.next();
                boolean update = accumulation.updatesAfter(idx);
                double loss;
                try (INDArray targets = targets(batch, numClasses, epoch, idx);
                     INDArray frames = batch.toINDArray();
                     ClipModel.Gradients g = model.gradients(frames, prompts, targets)) {
                    loss = g.loss();
                    accumulation.add(idx, g.byParameter(), optimizer, parameters, lr);
                }
                reclaimer.afterStep();
                if (update) {
                    updates++;
                    lr = schedule.lrAt((long) epoch * batchesPerEpoch + idx); // step_update(epoch * num_steps + idx)
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = batch.batch() / seconds;
                long globalStep = (long) epoch * batchesPerEpoch + idx;
                log.step(epoch, globalStep, loss, lr, rate);
                if (idx % config.printFreq() == 0) {
                    log.log(String.format(Locale.ROOT, "Train: [%d/%d][%d/%d]\tlr %.9f\tloss %.4f\t%.2f videos/s",
                            epoch, train.epochs(), idx, batchesPerEpoch, lr, loss, rate), false);
                }
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e %.1f videos/s", loss, lr, rate));
                ConfigDataset.checkUsable(dataset.trainList(), videos.size(), loader.summary().failures(), "undecodable");
            }
        }
    }

    /** Mixup/cutmix (blending the batch's frames in place) or label-smoothed one-hot targets. */
    private INDArray targets(VideoBatch batch, int numClasses, int epoch, int idx) {
        if (mixup == null) {
            return ClipModel.targets(batch.labels(), numClasses, config.aug().labelSmooth());
        }
        UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(batchSeed(config.seed(), epoch, idx));
        return mixup.apply(batch.data(), batch.batch(), batch.frames(), batch.size(), batch.size(), batch.labels(), rng)
                .targets();
    }

    /** A seed for batch {@code idx} of {@code epoch} (SplitMix64's finaliser over the three numbers). */
    static long batchSeed(long seed, int epoch, int idx) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xBF58476D1CE4E5B9L + (idx + 1L) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private EvalResult evaluate(List<VideoListEntry> videos, int clips, int crops) throws IOException {
        INDArray textFeatures = model.encodeText(prompts);
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(), clips, crops,
                config.train().batchSize(), loaderThreads);
        return Evaluator.evaluate(model, textFeatures, dataset.classNames(), videos, dataset.valList(), options);
    }

    /** What is trained, for the log. */
    private String what() {
        return model.prompts().isPresent()
                ? "the prompts (" + model.trainableParameters().size() + " tensors, "
                  + model.trainableParameters().stream().mapToLong(k -> model.parameter(k).length()).sum() + " values)"
                : tower(config).name().toLowerCase(Locale.ROOT);
    }

    /** TRAINER.ViFi_CLIP.USE: both, image or text. */
    static ClipModel.Tower tower(ViFiClipConfig config) {
        return ClipModel.Tower.valueOf(config.trainer().use().toUpperCase(Locale.ROOT));
    }
}
