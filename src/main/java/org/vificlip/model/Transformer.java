package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
import java.util.List;

/** A stack of {@link ResidualAttentionBlock}s under {@code <prefix>resblocks.<i>.} */
final class Transformer {
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();
    private DeepPrompts prompts;

    /** @param prefix {@code visual.transformer.} or {@code transformer.} */
    Transformer(ClipParameters params, String prefix, int width, int layers, int heads,
                SequenceShape sequence, SDVariable mask) {
        for (int i = 0; i < layers; i++) {
            blocks.add(new ResidualAttentionBlock(params, prefix + "resblocks." + i + ".", width, heads, sequence, mask));
        }
    }

    /** ViFi-CLIP's deep prompts, put in place before the blocks that have them. */
    Transformer withPrompts(DeepPrompts deep) {
        this.prompts = deep;
        return this;
    }

    /** @param x [N·L, W] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        for (int i = 0; i < blocks.size(); i++) {
            if (prompts != null) {
                x = prompts.before(sd, i, x);
            }
            x = blocks.get(i).forward(sd, x);
        }
        return x;
    }
}
