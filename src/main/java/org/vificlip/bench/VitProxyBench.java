package org.vificlip.bench;

import com.google.gson.GsonBuilder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for the ViT-B/16 transformer used to compare ND4J's native flavours before (and
 * independently of) the real model: {@code blocks} pre-LN blocks on 8 images × 197 tokens × 768,
 * built from the same SameDiff ops as {@code org.vificlip.model} (LayerNorm from mean/variance,
 * matmul against [out, in] weights with transposeB, split/reshape/permute into heads, batched
 * matmul, softmax, QuickGELU). Random weights N(0, 0.02).
 * <p>
 * Usage: {@code java -cp ... org.vificlip.bench.VitProxyBench [blocks] [warmup] [runs]}; prints JSON.
 */
public final class VitProxyBench {
    static final int IMAGES = 8, TOKENS = 197, WIDTH = 768, HEADS = 12;

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Nd4j.getRandom().setSeed(0);

        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, WIDTH);
        SDVariable y = x;
        for (int b = 0; b < blocks; b++) {
            y = block(sd, y, "b" + b + ".");
        }
        y.rename("out");
        INDArray input = Nd4j.randn(DataType.FLOAT, (long) IMAGES * TOKENS, WIDTH);
        Map<String, INDArray> feed = Map.of("x", input);

        Timing t = Timing.measure(warmup, runs, () -> sd.output(feed, "out"));
        long flops = IMAGES * blocks * ClipFlops.block(TOKENS, WIDTH);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", "samediff");
        report.putAll(NativeBackend.describe());
        report.put("case", "vit-b16-proxy-" + blocks + "-blocks");
        report.put("ms", t.medianMs());
        report.put("min_ms", t.minMs());
        report.put("runs_ms", t.runsMs());
        report.put("thread_cpu_ms", t.medianThreadCpuMs());
        report.put("flops", flops);
        report.put("gflops_per_s", flops / t.medianMs() / 1e6);
        System.out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(report));
        if (System.getProperty("bench.profile") != null) {
            OpTimingListener timing = new OpTimingListener(Boolean.getBoolean("bench.cpu"));
            sd.setListeners(timing);
            int passes = Integer.getInteger("bench.profile", 3);
            long start = System.nanoTime();
            for (int i = 0; i < passes; i++) {
                sd.output(feed, "out");
            }
            double wall = (System.nanoTime() - start) / 1e6;
            System.err.printf("%d profiled passes: %.1f ms wall, %.1f ms inside ops (totals over all passes)%n%s%n",
                    passes, wall, timing.totalNanos() / 1e6, timing.table(40));
        }
    }

    private static SDVariable weight(SameDiff sd, String name, long... shape) {
        return sd.var(name, Nd4j.randn(DataType.FLOAT, shape).muli(0.02));
    }

    private static SDVariable linear(SameDiff sd, SDVariable x, String name, long out, long in) {
        return sd.mmul(x, weight(sd, name + "w", out, in), false, true, false).add(weight(sd, name + "b", out));
    }

    private static SDVariable layerNorm(SameDiff sd, SDVariable x, String name) {
        SDVariable centred = x.sub(sd.mean(x, true, 1));
        SDVariable variance = sd.mean(centred.mul(centred), true, 1);
        SDVariable normed = centred.div(sd.math.sqrt(variance.add(1e-5)));
        return normed.mul(weight(sd, name + "g", WIDTH)).add(weight(sd, name + "b", WIDTH));
    }

    private static SDVariable heads(SameDiff sd, SDVariable x) {
        return sd.permute(sd.reshape(x, -1, TOKENS, HEADS, WIDTH / HEADS), 0, 2, 1, 3);
    }

    private static SDVariable block(SameDiff sd, SDVariable x, String p) {
        SDVariable[] qkv = sd.split(linear(sd, layerNorm(sd, x, p + "ln1"), p + "in", 3 * WIDTH, WIDTH), 3, 1);
        SDVariable q = heads(sd, qkv[0].mul(1.0 / Math.sqrt(WIDTH / HEADS)));
        SDVariable k = heads(sd, qkv[1]);
        SDVariable v = heads(sd, qkv[2]);
        SDVariable attention = sd.nn.softmax(sd.mmul(q, k, false, true, false), 3);
        SDVariable merged = sd.reshape(sd.permute(sd.mmul(attention, v), 0, 2, 1, 3), -1, WIDTH);
        x = x.add(linear(sd, merged, p + "out", WIDTH, WIDTH));
        SDVariable h = linear(sd, layerNorm(sd, x, p + "ln2"), p + "fc", 4 * WIDTH, WIDTH);
        h = h.mul(sd.nn.sigmoid(h.mul(1.702)));
        return x.add(linear(sd, h, p + "proj", WIDTH, 4 * WIDTH));
    }
}
