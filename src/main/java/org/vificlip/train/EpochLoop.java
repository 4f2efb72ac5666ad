package org.vificlip.train;

import org.vificlip.config.ViFiClipConfig;
import org.vificlip.eval.EvalResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * ViFi-CLIP's {@code main.py} loop over epochs, around a way of training one epoch: evaluation every
 * {@code SAVE_FREQ} epochs and at the last, {@code ckpt_epoch_N.pth} and {@code best.pth}, the plots after
 * each epoch, and the final multi-view evaluation. One machine ({@link TrainingRun}) and Spark
 * ({@code DistributedTraining}) differ only in the {@link Run}.
 */
public final class EpochLoop {
    /** What a training run supplies. */
    public interface Run {
        void trainOneEpoch(int epoch) throws IOException;

        EvalResult evaluate(int clips, int crops) throws IOException;

        /** Writes a training checkpoint for the end of {@code epoch}, holding {@code maxAccuracy}. */
        void saveCheckpoint(Path file, int epoch, double maxAccuracy) throws IOException;
    }

    private EpochLoop() {
    }

    /**
     * @param startEpoch  0, or the epoch a resumed run continues from
     * @param maxAccuracy the best top-1 so far (a resumed run's)
     */
    public static TrainingRun.Outcome run(Run run, ViFiClipConfig config, int startEpoch, double maxAccuracy,
                                          int batchesPerEpoch, MetricsLog log, Path outputDir) throws IOException {
        int epochs = config.train().epochs();
        EvalResult last = null;
        for (int epoch = startEpoch; epoch < epochs; epoch++) {
            run.trainOneEpoch(epoch);
            if (epoch % config.saveFreq() == 0 || epoch == epochs - 1) {
                last = run.evaluate(config.test().numClip(), config.test().numCrop());
                log.evaluation(epoch, (long) (epoch + 1) * batchesPerEpoch - 1, last.top1(), last.top5());
                boolean best = last.top1() > maxAccuracy;
                maxAccuracy = Math.max(maxAccuracy, last.top1());
                log.log(String.format(Locale.ROOT, "epoch %d: %s; max top-1 %.2f%%", epoch, last.summary(), maxAccuracy), true);
                Path file = outputDir.resolve("ckpt_epoch_" + epoch + ".pth");
                run.saveCheckpoint(file, epoch, maxAccuracy);
                log.log("saved " + file, false);
                if (best) {
                    Path bestFile = outputDir.resolve("best.pth");
                    run.saveCheckpoint(bestFile, epoch, maxAccuracy);
                    log.log("saved " + bestFile + " (new best top-1)", false);
                }
            }
            TrainingPlots.write(outputDir, MetricsLog.read(log.csv()));
        }
        EvalResult multiView = null;
        if (config.test().multiViewInference()) {
            // main.py: after training, 4 clips x 3 crops
            multiView = run.evaluate(4, 3);
            log.log("multi-view: " + multiView.summary(), true);
            multiView.writeJson(outputDir.resolve("eval_multiview.json"), Map.of());
        }
        if (last != null) {
            last.writeJson(outputDir.resolve("eval_last.json"), Map.of());
        }
        return new TrainingRun.Outcome(epochs, maxAccuracy, last, multiView);
    }
}
