package org.vificlip.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.ConfigDataset;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoListEntry;
import org.vificlip.model.ClipModel;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code features} over a cluster: the list's videos cut into slices of whole batches, one task per slice;
 * each executor loads the model once and streams its slices' videos through the batch loader (ViFi-CLIP's
 * single-view test pipeline, T frames at S). Output: one Parquet row per video (path, label, feature: the
 * mean of its frames' image features, before normalisation, as {@code vificlip features}), and the skipped
 * videos with the reason as a second Parquet dataset (path, label, line, problem).
 */
public final class DistributedFeatures {
    /** What each task needs. */
    public record Options(ModelSource model, int numFrames, int size, int batchSize, int threads) implements Serializable {
    }

    /** What the job did: videos with features, and the skipped ones with their reasons. */
    public record Outcome(long videos, List<VideoResult> skipped) {
    }

    public static final StructType FEATURES = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("feature", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    public static final StructType SKIPPED = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("line", DataTypes.IntegerType, false)
            .add("problem", DataTypes.StringType, false);

    private DistributedFeatures() {
    }

    /**
     * @param out        the Parquet dataset of features (overwritten)
     * @param skippedOut the Parquet dataset of skipped videos (overwritten)
     * @throws org.vificlip.BadInputException naming {@code list} when more than 5% of it is unusable
     */
    public static Outcome run(SparkSession spark, List<VideoListEntry> videos, Path list, Options options, int partitions,
                              String out, String skippedOut) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Slice> slices = Slice.ofWholeBatches(videos, options.batchSize(), partitions);
        JavaRDD<VideoResult> results = sc.parallelize(slices, slices.size())
                .flatMap(slice -> extract(slice, options))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<VideoResult> skipped = results.filter(VideoResult::skipped).collect();
            ConfigDataset.checkUsable(list, videos.size(), skipped.stream().map(VideoResult::problem).toList(), "unusable");
            Dataset<Row> features = spark.createDataFrame(results.filter(r -> !r.skipped())
                    .map(r -> RowFactory.create(r.path(), r.label(), boxed(r.feature()))), FEATURES);
            features.write().mode("overwrite").parquet(out);
            spark.createDataFrame(sc.parallelize(skipped.stream()
                            .map(r -> RowFactory.create(r.path(), r.label(), r.line(), r.problem())).toList(), 1), SKIPPED)
                    .write().mode("overwrite").parquet(skippedOut);
            return new Outcome(videos.size() - skipped.size(), List.copyOf(skipped));
        } finally {
            results.unpersist(false);
        }
    }

    private static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }

    /** One task: its slice's features, then its skipped videos. */
    static java.util.Iterator<VideoResult> extract(Slice slice, Options o) {
        ClipSpec spec = ClipSpec.test(o.numFrames(), o.size());
        return new SliceStream<>(slice, spec, o.batchSize(), o.threads(), batch -> encode(batch, o), r -> r);
    }

    private static List<VideoResult> encode(VideoBatch batch, Options o) {
        try {
            return ExecutorModels.with(o.model(), ClipModel.Tower.BOTH, "", null, model -> {
                try (INDArray frames = batch.toINDArray()) {
                    INDArray video = model.encodeVideos(frames).video();
                    List<VideoResult> rows = new ArrayList<>();
                    for (int b = 0; b < batch.batch(); b++) {
                        rows.add(new VideoResult(batch.videos().get(b).toString(), batch.labels()[b], -1,
                                video.getRow(b).dup().toFloatVector(), null));
                    }
                    return rows;
                }
            });
        } catch (IOException e) {
            throw ExecutorModels.unchecked(e);
        }
    }
}
