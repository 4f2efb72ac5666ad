package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.model.OneDnn.Operand;

import java.util.List;

/**
 * PyTorch's {@code nn.LayerNorm} over the last axis of a [rows, width] input, ε = 1e-5.
 * With oneDNN, one op forward and one backward (its layer normalisation): M2.1's ops took about 9 forward
 * and 12 backward per LayerNorm, 51 LayerNorms a step. Without it, built from mean and variance because
 * {@code sd.nn.layerNorm} in ND4J 1.0.0-M2.1 takes no epsilon (without it CLIP's text features come out
 * about 1% off).
 */
final class LayerNorm {
    static final double EPS = 1e-5;

    private final SDVariable weight;
    private final SDVariable bias;
    private final long width;

    /** @param prefix key prefix, e.g. {@code visual.ln_pre.}, of {@code weight} and {@code bias} */
    LayerNorm(ClipParameters params, String prefix) {
        this.weight = params.get(prefix + "weight");
        this.bias = params.get(prefix + "bias");
        this.width = weight.getShape()[0];
    }


    /** @param x [rows, width] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        if (OneDnn.available()) {
            return new Forward(sd, x, weight, bias).outputVariables()[0];
        }
        // rows' means as matrix-vector products: M2.1's reduce_mean and reduce_sqnorm along rows took
        // 1.1 and 1.5 ms on [1576, 768], a product 0.3 ms
        SDVariable centred = x.sub(sd.mmul(x, averager(sd, width)));
        SDVariable variance = sd.mmul(centred.mul(centred), averager(sd, width));
        SDVariable normed = BackwardGraph.layerNormalised(centred, sd.math.sqrt(variance.add(EPS)));
        return BackwardGraph.rows(normed.mul(weight)).add(bias);
    }

    /**
     * A new constant [width, 1] of 1/width: rows' means as {@code x·averager}. The forward pass takes one per
     * use: a constant read twice would get its (unused) gradient summed by an op of its own, which would keep
     * M2.1's LayerNorm backward chain from being removed ({@link BackwardGraph}).
     */
    static SDVariable averager(SameDiff sd, long width) {
        return sd.constant(Nd4j.valueArrayOf(new long[]{width, 1}, 1.0 / width, DataType.FLOAT));
    }

    /** (x, gain, bias) → (y, rows' means, rows' variances), oneDNN's layer normalisation. */
    public static final class Forward extends OneDnnOp {
        public Forward() {
        }

        Forward(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias) {
            super(sd, new SDVariable[]{x, gain, bias});
        }

        @Override
        public String opName() {
            return "vificlip_layer_norm";
        }

        @Override
        public int getNumOutputs() {
            return 3;
        }

        @Override
        List<long[]> outputShapes(OpContext context) {
            long[] shape = context.getInputArray(0).shape();
            long[] rows = {shape[0]};
            return List.of(shape, rows, rows);
        }

        @Override
        void run(OpContext context) {
            OneDnn.layerNorm(operand(context, 0), operand(context, 1), operand(context, 2),
                    Operand.of(context.getOutputArray(0)), Operand.of(context.getOutputArray(1)),
                    Operand.of(context.getOutputArray(2)), (float) EPS);
        }

        /** The gradients of x, gain and bias; the statistics' own gradients are not used. */
        @Override
        public List<SDVariable> doDiff(List<SDVariable> gradients) {
            SDVariable[] statistics = outputVariables();
            SDVariable[] inputs = args();
            return List.of(new Backward(sameDiff, new SDVariable[]{inputs[0], statistics[1], statistics[2], inputs[1],
                    inputs[2], gradients.get(0)}).outputVariables());
        }
    }

    /** (x, means, variances, gain, bias, dL/dy) → (dL/dx, dL/dgain, dL/dbias). */
    public static final class Backward extends OneDnnOp {
        public Backward() {
        }

        Backward(SameDiff sd, SDVariable[] inputs) {
            super(sd, inputs);
        }

        @Override
        public String opName() {
            return "vificlip_layer_norm_bp";
        }

        @Override
        public int getNumOutputs() {
            return 3;
        }

        @Override
        List<long[]> outputShapes(OpContext context) {
            long[] gain = context.getInputArray(3).shape();
            return List.of(context.getInputArray(0).shape(), gain, gain);
        }

        @Override
        void run(OpContext context) {
            OneDnn.layerNormBackward(operand(context, 0), operand(context, 1), operand(context, 2), operand(context, 3),
                    operand(context, 4), operand(context, 5), Operand.of(context.getOutputArray(0)),
                    Operand.of(context.getOutputArray(1)), Operand.of(context.getOutputArray(2)), (float) EPS);
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> gradients) {
            throw new UnsupportedOperationException("The layer norm's backward op has no gradient");
        }
    }
}
