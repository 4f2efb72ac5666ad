package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ViFi-CLIP's video-text head (its {@code XCLIP.forward} without prompts): frame features averaged over
 * time into a video feature, both sides L2-normalised, logits = exp(logit_scale)·cos, and the
 * cross-entropy against a target distribution (one-hot, or label-smoothed as timm's
 * {@code LabelSmoothingCrossEntropy}: (1−ε)·one-hot + ε/C gives exactly its loss).
 */
final class VifiClipHead {
    private final SDVariable logitScale;
    private final int embedDim;

    VifiClipHead(ClipParameters params, ClipConfig config) {
        this.logitScale = params.get("logit_scale");
        this.embedDim = config.embedDim();
    }

    /** @param frames [B, T, 3, S, S] → [B, T] as a LONG vector */
    static SDVariable batchAndTime(SameDiff sd, SDVariable frames) {
        return sd.stridedSlice(sd.shape(frames).castTo(DataType.LONG), new long[]{0}, new long[]{2}, new long[]{1});
    }

    /**
     * @param batchAndTime  [B, T], see {@link #batchAndTime}
     * @param frameFeatures [B·T, E]
     * @return video features [B, E], mean over T
     */
    SDVariable poolOverTime(SameDiff sd, SDVariable batchAndTime, SDVariable frameFeatures) {
        SDVariable shape = sd.concat(0, batchAndTime, sd.constant(Nd4j.createFromArray(new long[]{embedDim})));
        return sd.mean(sd.reshape(frameFeatures, shape), 1);
    }

    /** @param videoFeatures [B, E], textFeatures [C, E] → logits [B, C] */
    SDVariable logits(SameDiff sd, SDVariable videoFeatures, SDVariable textFeatures) {
        SDVariable cos = sd.mmul(l2Normalise(sd, videoFeatures), l2Normalise(sd, textFeatures), false, true, false);
        return cos.mul(sd.math.exp(logitScale));
    }

    /** @param targets [B, C], each row a distribution over the classes → mean cross-entropy, a scalar */
    SDVariable crossEntropy(SameDiff sd, SDVariable logits, SDVariable targets) {
        // the no-axis form (last axis): M2.1 cannot clone logSoftmax(x, axis) for its gradient graph
        SDVariable logProbs = sd.nn.logSoftmax(logits);
        return sd.mean(targets.mul(logProbs).sum(1)).neg();
    }

    private static SDVariable l2Normalise(SameDiff sd, SDVariable x) {
        return x.div(sd.math.sqrt(x.mul(x).sum(true, 1)));
    }
}
