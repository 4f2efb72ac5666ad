package org.vificlip.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoListEntry;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipModel;
import org.vificlip.video.Normalization;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code eval} over a cluster: ViFi-CLIP's {@code validate} as {@link Evaluator} runs it, with the list cut into
 * slices of whole batches. Each task tallies its videos (top-1, top-5, confusion matrix, skipped videos); the
 * driver adds the tallies up in slice order. The class prompts' text features are computed once, on the
 * driver, and broadcast. Each video is sampled with the draws it gets on one machine (multi-view offsets come
 * from its position in the list), and each batch holds the same videos, so the result is that of {@code eval}.
 */
public final class DistributedEval {
    /** The model the tasks use: the source, the run ("" outside training) and weights (null: as loaded). */
    public record Model(ModelSource source, ClipModel.Tower tower, String run, Broadcast<ModelWeights> weights)
            implements Serializable {
        ModelWeights weightsOrNull() {
            return weights == null ? null : weights.value();
        }
    }

    /** Text features [C,E] as they travel to executors. */
    record TextFeatures(float[] values, long[] shape) implements Serializable {
        INDArray array() {
            return Nd4j.create(values, shape, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        }
    }

    /** {@link Evaluator.Options} as they travel to executors. */
    record Views(int numFrames, int size, int clips, int crops, int batchSize, int threads) implements Serializable {
        static Views of(Evaluator.Options o) {
            return new Views(o.numFrames(), o.size(), o.clips(), o.crops(), o.batchSize(), o.threads());
        }
    }

    /** One slice's counts. */
    record Tally(int slice, int seen, int correct1, int correct5, int[][] confusion, List<String> skipped)
            implements Serializable {
    }

    private DistributedEval() {
    }

    /**
     * @param textFeatures [C,E] text features of the class prompts, computed with the weights the tasks use
     * @throws BadInputException naming {@code list} when more than 5% of it is unusable or nothing could be evaluated
     */
    public static EvalResult evaluate(JavaSparkContext sc, Model model, INDArray textFeatures, List<String> classes,
                                      List<VideoListEntry> videos, Path list, Evaluator.Options options, int partitions)
            throws IOException {
        TextFeatures text = new TextFeatures(ModelWeights.flat(textFeatures), textFeatures.shape());
        Broadcast<TextFeatures> textBroadcast = sc.broadcast(text);
        List<Slice> slices = Slice.ofWholeBatches(videos, options.batchSize(), partitions);
        int numClasses = classes.size();
        Views views = Views.of(options);
        List<Tally> tallies;
        try {
            tallies = new ArrayList<>(sc.parallelize(slices, slices.size())
                    .map(slice -> tally(slice, model, textBroadcast.value(), numClasses, views))
                    .collect());
        } finally {
            textBroadcast.destroy();
        }
        tallies.sort(Comparator.comparingInt(Tally::slice)); // skipped videos in list order
        int[][] confusion = new int[numClasses][numClasses];
        int seen = 0;
        int correct1 = 0;
        int correct5 = 0;
        List<String> skipped = new ArrayList<>();
        for (Tally t : tallies) {
            seen += t.seen();
            correct1 += t.correct1();
            correct5 += t.correct5();
            skipped.addAll(t.skipped());
            for (int i = 0; i < numClasses; i++) {
                for (int j = 0; j < numClasses; j++) {
                    confusion[i][j] += t.confusion()[i][j];
                }
            }
        }
        ConfigDataset.checkUsable(list, videos.size(), skipped, "undecodable");
        if (seen == 0) {
            throw new BadInputException(list, "no video of the list could be evaluated");
        }
        return new EvalResult(100.0 * correct1 / seen, 100.0 * correct5 / seen, seen, skipped.size(), options.clips(),
                options.crops(), List.copyOf(classes), confusion, List.copyOf(skipped));
    }

    /** One task: the counts of its slice, its batches as {@link Evaluator} scores them. */
    static Tally tally(Slice slice, Model model, TextFeatures text, int numClasses, Views o) {
        ClipSpec spec = new ClipSpec(o.numFrames(), o.size(), false, o.clips(), o.crops(), Normalization.VIFI_CLIP);
        int views = o.clips() * o.crops();
        int[][] confusion = new int[numClasses][numClasses];
        int[] counts = new int[3]; // seen, top-1, top-5
        List<String> skipped = new ArrayList<>();
        SliceStream<int[]> stream = new SliceStream<>(slice, spec, o.batchSize(), o.threads(),
                batch -> predictions(batch, model, text, numClasses, views, o.numFrames()),
                r -> {
                    skipped.add(r.problem());
                    return new int[0];
                });
        while (stream.hasNext()) {
            int[] top = stream.next(); // label, then the top-k classes
            if (top.length == 0) {
                continue; // a skipped video
            }
            int label = top[0];
            confusion[label][top[1]]++;
            counts[0]++;
            counts[1] += top[1] == label ? 1 : 0;
            for (int k = 1; k < top.length; k++) {
                counts[2] += top[k] == label ? 1 : 0;
            }
        }
        return new Tally(slice.index(), counts[0], counts[1], counts[2], confusion, List.copyOf(skipped));
    }

    private static List<int[]> predictions(VideoBatch batch, Model model, TextFeatures text, int numClasses, int views,
                                           int numFrames) {
        try {
            return ExecutorModels.with(model.source(), model.tower(), model.run(), model.weightsOrNull(), m -> {
                INDArray scores = Evaluator.viewAveragedSoftmax(m, text.array(), batch, numFrames, views);
                List<int[]> rows = new ArrayList<>();
                for (int b = 0; b < batch.batch(); b++) {
                    int[] top = Evaluator.topK(scores.getRow(b), Math.min(5, numClasses));
                    int[] row = new int[top.length + 1];
                    row[0] = batch.labels()[b];
                    System.arraycopy(top, 0, row, 1, top.length);
                    rows.add(row);
                }
                return rows;
            });
        } catch (IOException e) {
            throw ExecutorModels.unchecked(e);
        }
    }
}
