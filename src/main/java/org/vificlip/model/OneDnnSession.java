package org.vificlip.model;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ops.OpContext;

import java.util.Map;
import java.util.Set;

/**
 * SameDiff's session, except that our own ops ({@link OneDnnOp}) and batched matrix products
 * ({@link OneDnnProducts}) run through oneDNN.
 * The session has already allocated the op's outputs from our memory manager; they are filled in place.
 */
final class OneDnnSession extends InferenceSession {
    OneDnnSession(SameDiff sd) {
        super(sd);
    }

    @Override
    public ExecutionResult doExec(DifferentialFunction op, OpContext context, FrameIter outputFrame,
                                  Set<VarId> opInputs, Set<VarId> allIterInputs, Set<String> constAndPhInputs,
                                  Map<String, SDValue> otherPlaceholders) {
        if (op instanceof OneDnnOp ours) {
            ours.run(context);
            return ExecutionResult.createFrom(op, context);
        }
        if (context != null && OneDnnProducts.tryRun(op, context)) {
            return ExecutionResult.createFrom(op, context);
        }
        return super.doExec(op, context, outputFrame, opInputs, allIterInputs, constAndPhInputs, otherPlaceholders);
    }
}
