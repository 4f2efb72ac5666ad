import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.MemoryReclaimer;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.ClipModel;
import org.vificlip.model.JitDirectives;
import org.vificlip.model.RandomWeights;
import org.vificlip.train.AdamW;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One side of {@link SameJvmAB}: loaded once per build, through a class loader of its own, so that it runs
 * that build's classes against the ND4J both sides share. {@link #get} runs one training step as
 * {@code TrainBench} does (ViT-B/16, B=1, T=8, 10 prompts of 12 tokens, AdamW) and returns
 * {seconds, of which gradients, of which AdamW, loss}.
 */
public class StepDriver implements Supplier<double[]> {
    private final ClipModel model;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final AdamW optimizer = AdamW.vifiClip(0.001);
    private final MemoryReclaimer reclaimer = MemoryReclaimer.standard();
    private final INDArray frames;
    private final int[][] tokens = new int[10][77];

    public StepDriver() throws Exception {
        ClipConfig config = new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 12);
        model = ClipModel.build(config, RandomWeights.of(config, 42));
        for (String key : model.trainableParameters()) {
            parameters.put(key, model.parameter(key));
        }
        for (int c = 0; c < tokens.length; c++) {
            tokens[c][0] = 49406;                                   // start, 10 words, end
            for (int i = 1; i < 11; i++) {
                tokens[c][i] = 400 + 7 * i + c;
            }
            tokens[c][11] = 49407;
        }
        frames = Nd4j.randn(DataType.FLOAT, 1, 8, 3, 224, 224);
        JitDirectives.applyOnce();
    }

    @Override
    public double[] get() {
        long start = System.nanoTime();
        long gradientsDone;
        double loss;
        try (ClipModel.Gradients g = model.gradients(frames, tokens, new int[]{3})) {
            gradientsDone = System.nanoTime();
            optimizer.step(parameters, g.byParameter(), 1e-5);
            loss = g.loss();
        }
        reclaimer.afterStep();
        long end = System.nanoTime();
        return new double[]{(end - start) / 1e9, (gradientsDone - start) / 1e9, (end - gradientsDone) / 1e9, loss};
    }
}
