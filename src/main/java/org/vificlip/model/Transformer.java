package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
import java.util.List;

/** A stack of {@link ResidualAttentionBlock}s under {@code <prefix>resblocks.<i>.} */
final class Transformer {
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();

    /** @param prefix {@code visual.transformer.} or {@code transformer.} */
    Transformer(ClipParameters params, String prefix, int width, int layers, int heads, int tokens, SDVariable mask) {
        for (int i = 0; i < layers; i++) {
            blocks.add(new ResidualAttentionBlock(params, prefix + "resblocks." + i + ".", width, heads, tokens, mask));
        }
    }

    /** @param x [N·L, W] */
    SDVariable forward(SameDiff sd, SDVariable x) {
        for (ResidualAttentionBlock block : blocks) {
            x = block.forward(sd, x);
        }
        return x;
    }
}
