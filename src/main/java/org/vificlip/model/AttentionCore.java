package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.vificlip.model.OneDnn.Operand;

import java.util.List;

/**
 * The core of multi-head self-attention, {@code softmax(q·kᵀ/√d + mask)·v} for every head, as one op
 * forward and one backward, run through oneDNN ({@link OneDnn}) by our session ({@link OneDnnSession}).
 * <p>
 * Why: built from M2.1's ops, this core is a reshape and a permute of the packed in_proj output, an
 * unstack, a scale, two batched products, a softmax, a permute and a reshape back, and twice as many ops
 * backward; M2.1 copies the array at every reshape and permute. Here q, k and v are strided views straight
 * into the packed [N·L, 3·W] rows, the heads' outputs are written straight into the merged [N·L, W] rows,
 * and the softmax and its gradient are oneDNN's. The gradient of the packed rows is written the same way.
 * <p>
 * Inputs: the packed rows (q | k | v per token, heads side by side in each), the [N, L] vector of
 * {@link SequenceShape} (only L is read) and optionally the additive [L, L] mask. Outputs: the merged heads
 * and the attention probabilities [N, H, L, L], which the backward op reads (they live as long as the
 * backward pass needs them, like any activation the session keeps).
 * <p>
 * Used only where oneDNN is available ({@link MultiHeadSelfAttention} builds M2.1's ops otherwise).
 */
final class AttentionCore {
    private static final String FORWARD = "vificlip_attention_core";
    private static final String BACKWARD = "vificlip_attention_core_bp";

    private AttentionCore() {
    }

    /**
     * @param packed         [N·L, 3·W], the in_proj output
     * @param batchAndLength [N, L] (LONG)
     * @param mask           additive [L, L] mask, or null
     * @return [N·L, W], the heads' outputs side by side, before out_proj
     */
    static SDVariable forward(SameDiff sd, SDVariable packed, SDVariable batchAndLength, SDVariable mask, int heads) {
        SDVariable[] inputs = mask == null
                ? new SDVariable[]{packed, batchAndLength}
                : new SDVariable[]{packed, batchAndLength, mask};
        return new Forward(sd, inputs, heads).outputVariables()[0];
    }

    /** Sizes of one run, read from the inputs. */
    private record Sizes(long sequences, long length, long width, int heads) {
        static Sizes of(INDArray packed, INDArray batchAndLength, int heads) {
            long length = batchAndLength.getLong(1);
            return new Sizes(packed.size(0) / length, length, packed.size(1) / 3, heads);
        }

        long headWidth() {
            return width / heads;
        }

        float scale() {
            return (float) (1 / Math.sqrt(headWidth()));
        }

        long[] probabilities() {
            return new long[]{sequences, heads, length, length};
        }

        /** Head h of sequence n, token l, as [N, H, L, D] over rows of {@code rowWidth} elements. */
        Operand heads(INDArray rows, long rowWidth) {
            Operand start = Operand.of(rows);
            return new Operand(start.address(), new long[]{sequences, heads, length, headWidth()},
                    new long[]{length * rowWidth, headWidth(), rowWidth, 1});
        }
    }

    private static void runForward(OpContext context, int heads) {
        INDArray packed = OneDnnOp.dense(context.getInputArray(0));   // the strided views assume dense rows
        Sizes sizes = Sizes.of(packed, context.getInputArray(1), heads);
        INDArray merged = context.getOutputArray(0), probabilities = context.getOutputArray(1);
        Operand q = sizes.heads(packed, 3 * sizes.width), k = q.shifted(sizes.width), v = q.shifted(2 * sizes.width);
        Operand p = Operand.of(probabilities);
        require(OneDnn.product(q, k.transposed(), p, sizes.scale()), "scores");
        if (context.numInputArguments() > 2) {
            probabilities.addi(context.getInputArray(2));   // the [L, L] mask, broadcast over N and H
        }
        OneDnn.softmax(p, p);
        require(OneDnn.product(p, v, sizes.heads(merged, sizes.width), 1f), "weighted values");
    }

    /**
     * With S = scale·q·kᵀ (+ mask), P = softmax(S), O = P·v: dv = Pᵀ·dO, dP = dO·vᵀ, dS = softmax'(P, dP),
     * dq = scale·dS·k, dk = scale·dSᵀ·q, written into the q, k and v columns of the packed gradient.
     */
    private static void runBackward(OpContext context, int heads) {
        INDArray packed = OneDnnOp.dense(context.getInputArray(0));   // the strided views assume dense rows
        Sizes sizes = Sizes.of(packed, context.getInputArray(1), heads);
        Operand p = Operand.of(context.getInputArray(2));
        Operand outGradient = sizes.heads(OneDnnOp.dense(context.getInputArray(3)), sizes.width);
        INDArray packedGradient = context.getOutputArray(0);
        Operand scoresGradient = Operand.of(context.getOutputArray(1));   // dP, then dS in place
        long w = sizes.width;
        Operand q = sizes.heads(packed, 3 * w), k = q.shifted(w), v = q.shifted(2 * w);
        Operand dq = sizes.heads(packedGradient, 3 * w), dk = dq.shifted(w), dv = dq.shifted(2 * w);
        require(OneDnn.product(p.transposed(), outGradient, dv, 1f), "value gradient");
        require(OneDnn.product(outGradient, v.transposed(), scoresGradient, 1f), "probability gradient");
        OneDnn.softmaxBackward(p, scoresGradient, scoresGradient);
        require(OneDnn.product(scoresGradient, k, dq, sizes.scale()), "query gradient");
        require(OneDnn.product(scoresGradient.transposed(), q, dk, sizes.scale()), "key gradient");
    }

    private static void require(boolean done, String what) {
        if (!done) {
            throw new IllegalStateException("oneDNN has no matmul for attention's " + what);
        }
    }

    /** Forward op: (packed, [N, L], mask?) → (merged heads [N·L, W], probabilities [N, H, L, L]). */
    public static final class Forward extends OneDnnOp {
        public Forward() {
        }

        Forward(SameDiff sd, SDVariable[] inputs, int heads) {
            super(sd, inputs, heads);
        }

        @Override
        public String opName() {
            return FORWARD;
        }

        @Override
        public int getNumOutputs() {
            return 2;
        }

        @Override
        List<long[]> outputShapes(OpContext context) {
            INDArray packed = context.getInputArray(0);
            Sizes sizes = Sizes.of(packed, context.getInputArray(1), integer(0));
            return List.of(new long[]{packed.size(0), sizes.width}, sizes.probabilities());
        }

        @Override
        void run(OpContext context) {
            runForward(context, integer(0));
        }

        /** Only the packed rows get a gradient; the probabilities' own gradient is not used. */
        @Override
        public List<SDVariable> doDiff(List<SDVariable> gradients) {
            SDVariable[] inputs = args();
            SDVariable[] backwardInputs = {inputs[0], inputs[1], outputVariables()[1], gradients.get(0)};
            return List.of(new Backward(sameDiff, backwardInputs, integer(0)).outputVariables()[0]);
        }
    }

    /**
     * Backward op: (packed, [N, L], probabilities, merged heads' gradient) → (packed rows' gradient,
     * a [N, H, L, L] work array for the scores' gradient, which nothing reads afterwards).
     */
    public static final class Backward extends OneDnnOp {
        public Backward() {
        }

        Backward(SameDiff sd, SDVariable[] inputs, int heads) {
            super(sd, inputs, heads);
        }

        @Override
        public String opName() {
            return BACKWARD;
        }

        @Override
        public int getNumOutputs() {
            return 2;
        }

        @Override
        List<long[]> outputShapes(OpContext context) {
            return List.of(context.getInputArray(0).shape(), context.getInputArray(2).shape());
        }

        @Override
        void run(OpContext context) {
            runBackward(context, integer(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> gradients) {
            throw new UnsupportedOperationException("The attention core's backward op has no gradient");
        }
    }
}
