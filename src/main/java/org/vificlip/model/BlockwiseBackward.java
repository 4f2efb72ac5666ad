package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's gradients with activation recomputation (ViFi-CLIP's {@code TRAIN.USE_CHECKPOINT}, PyTorch's
 * {@code torch.utils.checkpoint} per residual block): the forward pass keeps only each residual block's
 * input, and the backward pass re-runs one block at a time as a {@link GraphSegment} that computes the
 * block's vector-Jacobian product, then lets it go before the next. Memory grows with one block's
 * activations instead of all of them, for about one more forward pass of work.
 * <pre>
 *   frames → [vision embedding] → x₀ → [block 0] → x₁ … → x₁₂ ┐
 *   token embeddings → [text embedding] → t₀ → [block 0] … → t₁₂ ┴→ [head] → loss, logits
 * </pre>
 * Each bracket is a segment graph sharing the model's parameter arrays. The gradients are the same as
 * the whole graph's (the same ops in the same order, cut at the residual stream).
 */
final class BlockwiseBackward {
    private static final String STREAM = "stream";
    private static final String VISION_STREAM = "vision_stream";
    private static final String TEXT_STREAM = "text_stream";
    private static final String BATCH_AND_TIME = "batch_and_time";

    private final Tower vision;
    private final Tower text;
    private final GraphSegment head;
    /** Shared by all segments: the blocks of a tower ask for the same shapes ({@link BufferPool}). */
    private final SessionMemMgr arrays = new BufferPool();

    /** A tower cut into its embedding and its residual blocks. */
    private record Tower(GraphSegment embedding, List<GraphSegment> blocks) {
        /** Whether any segment up to block {@code top} (−1: the embedding) has a trainable parameter. */
        boolean trainsUpTo(int top) {
            boolean any = !embedding.parameters().isEmpty();
            for (int i = 0; i <= top && !any; i++) {
                any = !blocks.get(i).parameters().isEmpty();
            }
            return any;
        }

        boolean trains() {
            return trainsUpTo(blocks.size() - 1);
        }
    }

    /** Feeds the text block segments the position selector (their deep prompts' slots depend on it). */
    private final boolean textBlocksTakePositions;

    /** @param prompts ViFi-CLIP's prompts of the model, or null */
    BlockwiseBackward(ClipConfig config, ClipParameters params, PromptConfig prompts) {
        this.vision = new Tower(visionEmbedding(config, params, prompts), blocks(config, params, prompts, false));
        this.text = new Tower(textEmbedding(config, params, prompts), blocks(config, params, prompts, true));
        this.head = head(config, params, prompts, vision.trains(), text.trains());
        this.textBlocksTakePositions = prompts != null;
    }

    /**
     * @param frames     [B, T, 3, S, S]
     * @param textInputs the text placeholders of {@link TextInputs#prepare}
     * @param targets    [B, C]
     */
    ClipModel.Gradients gradients(INDArray frames, Map<String, INDArray> textInputs, INDArray targets) {
        List<INDArray> visionInputs = new ArrayList<>();
        INDArray visionStream = forward(vision, Map.of(ClipModel.FRAMES, frames), Map.of(), visionInputs);
        Map<String, INDArray> textEmbeddingInputs = Map.of(ClipModel.TOKEN_EMBEDDINGS, textInputs.get(ClipModel.TOKEN_EMBEDDINGS),
                ClipModel.POSITIONS, textInputs.get(ClipModel.POSITIONS));
        Map<String, INDArray> textBlockInputs = new HashMap<>(Map.of(ClipModel.CAUSAL_MASK, textInputs.get(ClipModel.CAUSAL_MASK)));
        if (textBlocksTakePositions) {
            textBlockInputs.put(ClipModel.POSITIONS, textInputs.get(ClipModel.POSITIONS));
        }
        List<INDArray> textStreamInputs = new ArrayList<>();
        INDArray textStream = forward(text, textEmbeddingInputs, textBlockInputs, textStreamInputs);

        Map<String, INDArray> headInputs = new HashMap<>();
        headInputs.put(VISION_STREAM, visionStream);
        headInputs.put(TEXT_STREAM, textStream);
        headInputs.put(ClipModel.END_TOKEN, textInputs.get(ClipModel.END_TOKEN));
        headInputs.put(ClipModel.TARGETS, targets);
        headInputs.put(BATCH_AND_TIME, Nd4j.createFromArray(frames.size(0), frames.size(1)));
        OutAndGrad top = head.backward(arrays, headInputs, null, List.of(ClipModel.LOSS, ClipModel.LOGITS));
        Map<String, INDArray> grads = new LinkedHashMap<>(top.getGradients());
        release(visionStream);
        release(textStream);

        backward(vision, grads.remove(VISION_STREAM), visionInputs, Map.of(ClipModel.FRAMES, frames), Map.of(), grads);
        backward(text, grads.remove(TEXT_STREAM), textStreamInputs, textEmbeddingInputs, textBlockInputs, grads);
        // freed on close, not pooled: kept for the next step they would add their 0.5 GB (ViT-B/16) to the
        // pool's buffers through the forward pass, where recomputation is about memory
        return new ClipModel.Gradients(top.getOutputs().get(ClipModel.LOSS).getDouble(0),
                top.getOutputs().get(ClipModel.LOGITS), grads, null);
    }

    /**
     * Runs the tower forward, keeping each block's input in {@code kept}; returns the last output.
     * {@code blockInputs} are the placeholders every block takes besides the stream.
     */
    private INDArray forward(Tower tower, Map<String, INDArray> embeddingInputs, Map<String, INDArray> blockInputs,
                                    List<INDArray> kept) {
        INDArray x = tower.embedding().forward(arrays, embeddingInputs);
        for (GraphSegment block : tower.blocks()) {
            kept.add(x);
            x = block.forward(arrays, with(blockInputs, STREAM, x));
        }
        return x;
    }

    /**
     * Back-propagates {@code upstream} (the loss's gradient at the tower's output; null when the head
     * did not need it) through the blocks and the embedding, down to the last segment with something
     * trainable, adding the parameters' gradients to {@code grads}. Frees the kept block inputs.
     */
    private void backward(Tower tower, INDArray upstream, List<INDArray> kept,
                                 Map<String, INDArray> embeddingInputs, Map<String, INDArray> blockInputs,
                                 Map<String, INDArray> grads) {
        INDArray g = upstream;
        for (int i = tower.blocks().size() - 1; i >= 0; i--) {
            INDArray input = kept.get(i);
            if (g != null && tower.trainsUpTo(i)) {
                Map<String, INDArray> out = new HashMap<>(
                        tower.blocks().get(i).backward(arrays, with(blockInputs, STREAM, input), g, List.of()).getGradients());
                release(g);
                g = out.remove(STREAM);
                grads.putAll(out);
            }
            release(input);
        }
        if (g != null && tower.trainsUpTo(-1)) {
            grads.putAll(tower.embedding().backward(arrays, embeddingInputs, g, List.of()).getGradients());
        }
        release(g);
    }

    private static Map<String, INDArray> with(Map<String, INDArray> base, String key, INDArray value) {
        Map<String, INDArray> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    /** Frees an intermediate array now rather than when the garbage collector finds it. */
    private static void release(INDArray a) {
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    /** frames → the vision stream [N, L, W] after {@code ln_pre} (L counts the vision prompts, if any). */
    private static GraphSegment visionEmbedding(ClipConfig config, ClipParameters model, PromptConfig prompts) {
        SameDiff sd = Graphs.create();
        ClipParameters params = model.shareInto(sd);
        int s = config.imageResolution();
        SDVariable frames = sd.placeHolder(ClipModel.FRAMES, DataType.FLOAT, -1, -1, 3, s, s);
        VisionTransformer tower = new VisionTransformer(params, config, prompts);
        SDVariable x = tower.embed(sd, sd.reshape(frames, -1, 3, s, s));
        SDVariable stream = sd.reshape(x, -1, tower.tokens(), config.visionWidth());
        return GraphSegment.vectorJacobian(sd, stream, 3);
    }

    /** token embeddings → the text stream [C, L, W] (the context vectors in place, the positional embedding). */
    private static GraphSegment textEmbedding(ClipConfig config, ClipParameters model, PromptConfig prompts) {
        SameDiff sd = Graphs.create();
        ClipParameters params = model.shareInto(sd);
        SDVariable tokens = sd.placeHolder(ClipModel.TOKEN_EMBEDDINGS, DataType.FLOAT, -1, -1, config.textWidth());
        SDVariable positions = sd.placeHolder(ClipModel.POSITIONS, DataType.FLOAT, -1, config.contextLength());
        SDVariable stream = new TextTransformer(params, config, prompts).embed(sd, tokens, positions);
        return GraphSegment.vectorJacobian(sd, stream, 3);
    }

    /**
     * One residual block per segment: stream [N, L, W] → [N, L, W]; the text tower's are causal. A block
     * with deep prompts ({@code VPT_shallow}, blocks 1 to depth − 1) first puts its own prompt tokens in
     * the prompt slots, as {@link DeepPrompts} does in the whole graph.
     */
    private static List<GraphSegment> blocks(ClipConfig config, ClipParameters model, PromptConfig prompts,
                                             boolean textTower) {
        int width = textTower ? config.textWidth() : config.visionWidth();
        int layers = textTower ? config.textLayers() : config.visionLayers();
        int heads = textTower ? config.textHeads() : config.visionHeads();
        String prefix = textTower ? "transformer.resblocks." : "visual.transformer.resblocks.";
        int promptDepth = prompts == null ? 0 : textTower ? prompts.depthText() : prompts.depthVision();
        List<GraphSegment> blocks = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            SameDiff sd = Graphs.create();
            ClipParameters params = model.shareInto(sd);
            SDVariable stream = sd.placeHolder(STREAM, DataType.FLOAT, -1, -1, width);
            SDVariable mask = textTower ? sd.placeHolder(ClipModel.CAUSAL_MASK, DataType.FLOAT, -1, -1) : null;
            SDVariable x = stream;
            if (prompts != null && textTower) {
                SDVariable positions = sd.placeHolder(ClipModel.POSITIONS, DataType.FLOAT, -1, config.contextLength());
                if (i >= 1 && i < promptDepth) {
                    PromptSlots slots = new TextTransformer(params, config, prompts).contextSlots(sd, positions);
                    x = slots.overwrite(sd, x, params.get(PromptConfig.deepTextKey(i)));
                }
            } else if (prompts != null && prompts.hasVision() && i >= 1 && i < promptDepth) {
                int tokens = config.visionTokens() + prompts.nCtxVision();
                x = PromptSlots.last(sd, tokens, prompts.nCtxVision()).overwrite(sd, x, params.get(PromptConfig.deepVisionKey(i)));
            }
            SequenceShape sequence = SequenceShape.of(sd, stream);
            ResidualAttentionBlock block = new ResidualAttentionBlock(params, prefix + i + ".", width, heads, sequence, mask);
            SDVariable out = sd.reshape(block.forward(sd, sd.reshape(x, -1, width)), sequence.sequences(width));
            blocks.add(GraphSegment.vectorJacobian(sd, out, 3, STREAM));
        }
        return blocks;
    }

    /** Both streams → features → logits and loss, as {@link ClipModel}'s graph. */
    private static GraphSegment head(ClipConfig config, ClipParameters model, PromptConfig prompts, boolean visionTrains,
                                     boolean textTrains) {
        SameDiff sd = Graphs.create();
        ClipParameters params = model.shareInto(sd);
        VisionTransformer vision = new VisionTransformer(params, config, prompts);
        SDVariable visionStream = sd.placeHolder(VISION_STREAM, DataType.FLOAT, -1, vision.tokens(), config.visionWidth());
        SDVariable textStream = sd.placeHolder(TEXT_STREAM, DataType.FLOAT, -1, -1, config.textWidth());
        SDVariable endToken = sd.placeHolder(ClipModel.END_TOKEN, DataType.FLOAT, -1, -1);
        SDVariable targets = sd.placeHolder(ClipModel.TARGETS, DataType.FLOAT, -1, -1);
        SDVariable batchAndTime = sd.placeHolder(BATCH_AND_TIME, DataType.LONG, 2);
        VifiClipHead head = new VifiClipHead(params, config);
        SDVariable frameFeatures = vision.pool(sd, visionStream);
        SDVariable videoFeatures = head.poolOverTime(sd, batchAndTime, frameFeatures);
        SDVariable textFeatures = new TextTransformer(params, config, prompts).pool(sd, textStream, endToken);
        SDVariable logits = head.logits(sd, videoFeatures, textFeatures).rename(ClipModel.LOGITS);
        SDVariable loss = head.crossEntropy(sd, logits, targets).rename(ClipModel.LOSS);
        List<String> streams = new ArrayList<>();
        if (visionTrains) {
            streams.add(VISION_STREAM);
        }
        if (textTrains) {
            streams.add(TEXT_STREAM);
        }
        return GraphSegment.scalarLoss(sd, loss, streams.toArray(String[]::new));
    }
}
