package org.vificlip.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.data.ClipSpec;
import org.vificlip.data.VideoBatch;
import org.vificlip.data.VideoBatchLoader;
import org.vificlip.data.VideoListEntry;
import org.vificlip.model.ClipModel;
import org.vificlip.train.AdamW;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter averaging, for networks too slow for a gradient exchange every step: each worker takes K steps
 * on its own share of each batch with its own AdamW (starting from the broadcast weights and moments), then
 * the workers' weights and AdamW moments are averaged (tree aggregation) and the driver starts the next round
 * from the average. One exchange every K steps instead of every step; not the same result as synchronous
 * training (the average of K Adam trajectories is not one trajectory), except with one worker.
 */
final class ParameterAveraging {
    /** AdamW's state as it travels (the weights go as {@link ModelWeights}): per key, the two moments and the step count. */
    record State(Map<String, float[]> expAvg, Map<String, float[]> expAvgSq, Map<String, Long> steps) implements Serializable {
    }

    /** One round for one worker: its share of each of the round's batches and the learning rate of each step. */
    record Round(int worker, List<Slice> shares, List<Integer> batchIndices, double[] lrs) implements Serializable {
    }

    /** The sum of the workers' states after a round, with their summed mean losses per step. */
    static final class Sum implements Serializable {
        int workers;
        double[] losses;
        final Map<String, float[]> weights = new LinkedHashMap<>();
        final Map<String, float[]> expAvg = new LinkedHashMap<>();
        final Map<String, float[]> expAvgSq = new LinkedHashMap<>();
        Map<String, Long> steps = Map.of();
        final List<String> skipped = new ArrayList<>();

        Sum add(Sum other) {
            if (workers == 0) {
                other.skipped.addAll(0, skipped);
                return other;
            }
            workers += other.workers;
            for (int i = 0; i < losses.length; i++) {
                losses[i] += other.losses[i];
            }
            addInto(weights, other.weights);
            addInto(expAvg, other.expAvg);
            addInto(expAvgSq, other.expAvgSq);
            skipped.addAll(other.skipped);
            return this;
        }

        private static void addInto(Map<String, float[]> sums, Map<String, float[]> values) {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                float[] s = sums.get(e.getKey());
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    s[i] += v[i];
                }
            }
        }
    }

    private ParameterAveraging() {
    }

    /** The driver's AdamW state, to broadcast at the start of a round. */
    static State state(List<String> keys, AdamW optimizer) {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        for (String key : keys) {
            AdamW.State s = optimizer.states().get(key);
            if (s != null) {
                m.put(key, ModelWeights.flat(s.expAvg()));
                v.put(key, ModelWeights.flat(s.expAvgSq()));
                steps.put(key, s.step());
            }
        }
        return new State(m, v, steps);
    }

    /** Sets the driver's weights and AdamW state to the workers' average. */
    static void applyAverage(Sum sum, ClipModel model, AdamW optimizer) {
        float scale = 1f / sum.workers;
        for (Map.Entry<String, float[]> e : sum.weights.entrySet()) {
            INDArray p = model.parameter(e.getKey());
            p.assign(Nd4j.create(scaled(e.getValue(), scale), p.shape(), p.dataType()));
            optimizer.restore(e.getKey(), new AdamW.State(sum.steps.get(e.getKey()),
                    Nd4j.create(scaled(sum.expAvg.get(e.getKey()), scale), p.shape(), p.dataType()),
                    Nd4j.create(scaled(sum.expAvgSq.get(e.getKey()), scale), p.shape(), p.dataType())));
        }
    }

    private static float[] scaled(float[] v, float scale) {
        if (scale != 1f) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
    }

    /** On an executor: one worker's K local steps from the broadcast state. */
    static Sum localSteps(Round round, DistributedTraining.StepPlan plan, ModelWeights start, State state, double weightDecay) {
        try {
            Sum sum = ExecutorModels.withOwnWeights(plan.source(), plan.tower(), plan.run(), start, model -> {
                AdamW optimizer = AdamW.vifiClip(weightDecay);
                for (Map.Entry<String, float[]> e : state.expAvg().entrySet()) {
                    long[] shape = model.parameter(e.getKey()).shape();
                    optimizer.restore(e.getKey(), new AdamW.State(state.steps().get(e.getKey()),
                            Nd4j.create(e.getValue(), shape), Nd4j.create(state.expAvgSq().get(e.getKey()), shape)));
                }
                Map<String, INDArray> parameters = new LinkedHashMap<>();
                for (String key : start.values().keySet()) {
                    parameters.put(key, model.parameter(key));
                }
                Sum out = new Sum();
                out.workers = 1;
                out.losses = new double[round.shares().size()];
                for (int k = 0; k < round.shares().size(); k++) {
                    Slice share = round.shares().get(k);
                    DistributedTraining.StepPlan step = plan.forBatch(round.batchIndices().get(k));
                    VideoBatch batch = load(share, step, out.skipped);
                    if (batch == null) {
                        continue;
                    }
                    try (INDArray targets = DistributedTraining.targets(batch, share.index(), step);
                         INDArray frames = batch.toINDArray();
                         ClipModel.Gradients g = model.gradients(frames, step.prompts(), targets)) {
                        optimizer.step(parameters, g.byParameter(), round.lrs()[k]);
                        out.losses[k] = g.loss();
                    }
                }
                for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
                    AdamW.State s = optimizer.states().get(e.getKey());
                    out.weights.put(e.getKey(), ModelWeights.flat(e.getValue()));
                    out.expAvg.put(e.getKey(), ModelWeights.flat(s.expAvg()));
                    out.expAvgSq.put(e.getKey(), ModelWeights.flat(s.expAvgSq()));
                }
                Map<String, Long> steps = new LinkedHashMap<>();
                optimizer.states().forEach((key, s) -> steps.put(key, s.step()));
                out.steps = steps;
                return out;
            });
            FaultInjection.maybeFail("the local steps of worker " + round.worker());
            return sum;
        } catch (IOException e) {
            throw ExecutorModels.unchecked(e);
        }
    }

    private static VideoBatch load(Slice share, DistributedTraining.StepPlan plan, List<String> skipped) {
        List<VideoListEntry> entries = VideoRef.entries(share.videos());
        VideoBatchLoader.Options options = new VideoBatchLoader.Options(ClipSpec.train(plan.numFrames(), plan.size()),
                entries.size(), plan.threads(), 1, false, false, plan.seed(), plan.epoch(), 600);
        try (VideoBatchLoader loader = new VideoBatchLoader(entries, options, share.firstPosition())) {
            VideoBatch batch = loader.hasNext() ? loader.next() : null;
            skipped.addAll(loader.summary().failures());
            return batch;
        }
    }
}
