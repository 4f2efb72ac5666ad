package org.vificlip.eval;

import me.tongfei.progressbar.ProgressBar;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.Progress;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.model.ClipModel;
import org.vificlip.video.Normalization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ViFi-CLIP's {@code validate}: every video of a list seen in {@code clips × crops} views of T frames;
 * each view's logits against the class prompts go through a softmax, the softmaxes are summed over the
 * views, and the top-1 / top-5 classes of the sum are compared with the label.
 * <p>
 * The class prompts' text features are computed once per evaluation (the text tower does not depend on
 * the video), then every batch only runs the image tower.
 */
public final class Evaluator {
    /** How videos are read: T frames at S×S, {@code clips} temporal views × {@code crops} spatial crops. */
    public record Options(int numFrames, int size, int clips, int crops, int batchSize, int threads) {
    }

    private Evaluator() {
    }

    /**
     * @param textFeatures [C, E] text features of the class prompts (before normalisation)
     * @param list         the list file the videos came from (named in errors)
     */
    public static EvalResult evaluate(ClipModel model, INDArray textFeatures, List<String> classes,
                                      List<VideoListEntry> videos, Path list, Options options) throws BadInputException {
        int numClasses = classes.size();
        int[][] confusion = new int[numClasses][numClasses];
        int correct1 = 0;
        int correct5 = 0;
        int seen = 0;
        ClipSpec spec = new ClipSpec(options.numFrames(), options.size(), false, options.clips(), options.crops(),
                Normalization.VIFI_CLIP);
        int views = options.clips() * options.crops();
        VideoBatchLoader.Options loaderOptions = VideoBatchLoader.Options.defaults(spec, options.batchSize())
                .withThreads(options.threads());
        List<String> bad;
        try (VideoBatchLoader loader = new VideoBatchLoader(videos, loaderOptions);
             ProgressBar bar = Progress.bar("eval", videos.size(), "videos")) {
            while (loader.hasNext()) {
                VideoBatch batch = loader.next();
                INDArray scores = viewAveragedSoftmax(model, textFeatures, batch, options.numFrames(), views);
                for (int b = 0; b < batch.batch(); b++) {
                    int[] top = topK(scores.getRow(b), Math.min(5, numClasses));
                    int label = batch.labels()[b];
                    confusion[label][top[0]]++;
                    correct1 += top[0] == label ? 1 : 0;
                    for (int k : top) {
                        correct5 += k == label ? 1 : 0;
                    }
                }
                seen += batch.batch();
                VideoBatchLoader.Summary s = loader.summary();
                ConfigDataset.checkUsable(list, videos.size(), s.failures(), "undecodable");
                bar.stepTo(seen + s.skipped());
                bar.setExtraMessage(String.format(" top-1 %.1f%%", 100.0 * correct1 / seen));
            }
            bad = loader.summary().failures();
        }
        if (seen == 0) {
            throw new BadInputException(list, "no video of the list could be evaluated");
        }
        return new EvalResult(100.0 * correct1 / seen, 100.0 * correct5 / seen, seen, bad.size(), options.clips(),
                options.crops(), List.copyOf(classes), confusion, List.copyOf(bad));
    }

    /**
     * @param batch [B, views·T, 3, S, S]: view v is frames v·T .. v·T+T−1 (clip-major within each crop,
     *              as {@link ClipSpec} lays them out)
     * @return [B, C]: the sum over views of softmax(logits)
     */
    public static INDArray viewAveragedSoftmax(ClipModel model, INDArray textFeatures, VideoBatch batch, int numFrames, int views) {
        INDArray frames = batch.toINDArray().reshape(batch.batch() * (long) views, numFrames, 3, batch.size(), batch.size());
        INDArray videoFeatures = model.encodeVideos(frames).video();
        INDArray probabilities = Nd4j.nn.softmax(model.logitsOfFeatures(videoFeatures, textFeatures), 1);
        long classes = textFeatures.rows();
        return probabilities.reshape(batch.batch(), views, classes).sum(1);
    }

    /** Indices of the k largest values, largest first (ties: the lower index first, as torch.topk on CPU). */
    public static int[] topK(INDArray row, int k) {
        float[] v = row.toFloatVector();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(a, b));
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order.get(i);
        }
        return top;
    }

}
