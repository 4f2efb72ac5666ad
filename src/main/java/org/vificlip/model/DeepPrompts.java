package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.Map;

/**
 * ViFi-CLIP's deep prompts ({@code ResidualAttentionBlock_ViFi_CLIP} with {@code add_prompt}): before
 * block i (i ≥ 1, below the prompt depth) the prompt slots of the residual stream are overwritten by the
 * block's own {@code VPT_shallow} tokens, discarding what the previous blocks made of the old ones.
 */
final class DeepPrompts {
    private final PromptSlots slots;
    private final SequenceShape sequence;
    private final int width;
    private final Map<Integer, SDVariable> byLayer;

    /** @param byLayer block index → its [n, W] prompt tokens */
    DeepPrompts(PromptSlots slots, SequenceShape sequence, int width, Map<Integer, SDVariable> byLayer) {
        this.slots = slots;
        this.sequence = sequence;
        this.width = width;
        this.byLayer = byLayer;
    }

    /** @param x the [N·L, W] stream entering block {@code layer} → the same with that block's prompts in place */
    SDVariable before(SameDiff sd, int layer, SDVariable x) {
        SDVariable prompt = byLayer.get(layer);
        if (prompt == null) {
            return x;
        }
        SDVariable asSequences = sd.reshape(x, sequence.sequences(width));
        return sd.reshape(slots.overwrite(sd, asSequences, prompt), -1, width);
    }
}
