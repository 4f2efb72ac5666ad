package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.StateDict;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CLIP (ViT image tower + text tower) with ViFi-CLIP's video head, as one SameDiff graph whose every
 * weight (except the frozen token embedding) is a trainable variable named by its OpenAI key.
 * <p>
 * The graph is built once and reused; each call runs only the part it asks for (SameDiff executes the
 * sub-graph its requested outputs need), so image features never run the text tower and vice versa.
 * <pre>
 *   frames [B,T,3,S,S] → B·T images → image encoder → frame_features [B·T,E] → mean over T → video_features [B,E]
 *   token_embeddings [C,L,W], end_token [C,L] → text encoder → text_features [C,E]
 *   logits [B,C] = exp(logit_scale)·cos(video, text);  loss = cross-entropy(logits, targets [B,C])
 * </pre>
 */
public final class ClipModel {
    /** Placeholders. */
    public static final String FRAMES = "frames";
    public static final String TOKEN_EMBEDDINGS = "token_embeddings";
    public static final String END_TOKEN = "end_token";
    public static final String CAUSAL_MASK = "causal_mask";
    public static final String POSITIONS = "positions";
    public static final String TARGETS = "targets";
    /** Outputs. */
    public static final String FRAME_FEATURES = "frame_features";
    public static final String VIDEO_FEATURES = "video_features";
    public static final String TEXT_FEATURES = "text_features";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";

    private final ClipConfig config;
    private final SameDiff sd;
    private final ClipParameters parameters;
    private final TextInputs textInputs;
    private final PromptConfig prompts;
    /** Set by {@link #recomputeActivations}; the segments are built on the first gradient request. */
    private boolean recompute;
    private BlockwiseBackward blockwise;
    /** Buffers the whole graph's gradient runs take and give back, step after step ({@link BufferPool}). */
    private final SessionMemMgr trainingArrays = new BufferPool();

    private ClipModel(ClipConfig config, SameDiff sd, ClipParameters parameters, TextInputs textInputs,
                      PromptConfig prompts) {
        this.config = config;
        this.prompts = prompts;
        this.sd = sd;
        this.parameters = parameters;
        this.textInputs = textInputs;
    }

    /**
     * Builds the model for the architecture the weights imply (OpenAI's {@code build_model}), with
     * ViFi-CLIP's prompts when the weights hold prompt parameters ({@link PromptConfig#infer}).
     *
     * @throws BadInputException naming the weights' source if a key is missing or mis-shaped
     */
    public static ClipModel build(StateDict weights) throws BadInputException {
        return build(ClipConfig.infer(weights.shapes(), weights.source()), weights,
                PromptConfig.infer(weights.shapes(), weights.source()));
    }

    /** CLIP alone (no prompts, whatever the weights hold), every weight trainable. */
    public static ClipModel build(ClipConfig config, StateDict weights) throws BadInputException {
        return build(config, weights, null);
    }

    /**
     * @param prompts ViFi-CLIP's bridge-and-prompt design, or null for none. With prompts, every CLIP weight
     *                is a constant of the graph and only the prompt parameters (read from {@code weights}
     *                under {@link PromptConfig#shapes}) are trainable: no gradient work and no optimizer
     *                state is spent on the frozen encoders.
     */
    public static ClipModel build(ClipConfig config, StateDict weights, PromptConfig prompts) throws BadInputException {
        Nd4jSetup.applyOnce();
        SameDiff sd = Graphs.create();
        ClipParameters params = ClipParameters.declare(sd, config, weights);
        if (prompts != null) {
            params.freeze(params.trainable());
            params.declareMore(prompts.shapes(config), weights);
        }
        int s = config.imageResolution();

        SDVariable frames = sd.placeHolder(FRAMES, DataType.FLOAT, -1, -1, 3, s, s);
        SDVariable images = sd.reshape(frames, -1, 3, s, s);
        SDVariable frameFeatures = new VisionTransformer(params, config, prompts).forward(sd, images).rename(FRAME_FEATURES);
        VifiClipHead head = new VifiClipHead(params, config);
        SDVariable videoFeatures = head.poolOverTime(sd, VifiClipHead.batchAndTime(sd, frames), frameFeatures).rename(VIDEO_FEATURES);

        SDVariable tokens = sd.placeHolder(TOKEN_EMBEDDINGS, DataType.FLOAT, -1, -1, config.textWidth());
        SDVariable endToken = sd.placeHolder(END_TOKEN, DataType.FLOAT, -1, -1);
        SDVariable causalMask = sd.placeHolder(CAUSAL_MASK, DataType.FLOAT, -1, -1);
        SDVariable positions = sd.placeHolder(POSITIONS, DataType.FLOAT, -1, config.contextLength());
        SDVariable textFeatures = new TextTransformer(params, config, prompts)
                .forward(sd, tokens, endToken, causalMask, positions).rename(TEXT_FEATURES);

        SDVariable logits = head.logits(sd, videoFeatures, textFeatures).rename(LOGITS);
        SDVariable targets = sd.placeHolder(TARGETS, DataType.FLOAT, -1, -1);
        head.crossEntropy(sd, logits, targets).rename(LOSS);
        sd.setLossVariables(LOSS);

        TextInputs textInputs = new TextInputs(weights.get(ClipParameters.TOKEN_EMBEDDING), config.contextLength());
        return new ClipModel(config, sd, params, textInputs, prompts);
    }

    public ClipConfig config() {
        return config;
    }

    /** The graph, for training: placeholders and outputs are the constants of this class. */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * A parameter's array, the one the graph uses (updating it in place updates the model). When the
     * weights were float32 and C-ordered these are the {@link StateDict}'s own arrays, not copies.
     */
    public INDArray parameter(String key) {
        return parameters.get(key).getArr();
    }

    /** ViFi-CLIP's prompt design when the model learns prompts (then its class prompts start with
     *  {@link PromptConfig#classPromptPrefix()}). */
    public Optional<PromptConfig> prompts() {
        return Optional.ofNullable(prompts);
    }

    /**
     * Keys of every weight of the graph, trainable or frozen: CLIP's (all but {@code token_embedding.weight})
     * and the prompt parameters. What a checkpoint holds.
     */
    public List<String> parameterKeys() {
        return parameters.all();
    }

    /** Keys of the trainable parameters (every weight but {@code token_embedding.weight}, less any frozen;
     *  only the prompt parameters when the model learns prompts). */
    public List<String> trainableParameters() {
        return parameters.trainable();
    }

    /** Which weights ViFi-CLIP's {@code TRAINER.ViFi_CLIP.USE} trains. */
    public enum Tower {
        /** Both encoders and logit_scale ({@code both}). */
        BOTH,
        /** The image encoder only ({@code image}: ViFi-CLIP trains parameters named {@code image_encoder.*}). */
        IMAGE,
        /** The text encoder only ({@code text}: {@code text_encoder.*}). */
        TEXT;

        /** Whether OpenAI key {@code key} is trained under this setting. */
        public boolean trains(String key) {
            return switch (this) {
                case BOTH -> true;
                case IMAGE -> isImageEncoder(key);
                case TEXT -> !isImageEncoder(key) && !key.equals("logit_scale");
            };
        }
    }

    /** OpenAI keys under {@code visual.} are ViFi-CLIP's image encoder; logit_scale belongs to neither. */
    public static boolean isImageEncoder(String key) {
        return key.startsWith("visual.");
    }

    /**
     * Trains only {@code tower}: the other parameters become constants of the graph, so no gradient work
     * is spent on them. Must come before the first gradient request (the backward graph is built once).
     */
    public synchronized void trainOnly(Tower tower) {
        if (sd.getFunction(Graphs.GRADIENT_FUNCTION) != null || blockwise != null) {
            throw new IllegalStateException("freeze parameters before the first gradient is computed");
        }
        List<String> frozen = parameters.trainable().stream().filter(k -> !tower.trains(k)).toList();
        if (!frozen.isEmpty()) {
            parameters.freeze(frozen);
        }
    }

    /** @param images [N, 3, S, S] float32, normalised → image features [N, E] before normalisation */
    public INDArray encodeImages(INDArray images) {
        requireShape("images", images, -1, 3, config.imageResolution(), config.imageResolution());
        INDArray asFrames = images.reshape(images.size(0), 1, 3, images.size(2), images.size(3));
        return run(Map.of(FRAMES, asFrames), FRAME_FEATURES).get(FRAME_FEATURES);
    }

    /** Video and per-frame features, before normalisation. */
    public record VideoFeatures(INDArray video, INDArray frames) {
    }

    /**
     * @param frames [B, T, 3, S, S] float32, normalised
     * @return video features [B, E] (mean of the frames' features) and frame features [B, T, E]
     */
    public VideoFeatures encodeVideos(INDArray frames) {
        requireFrames(frames);
        Map<String, INDArray> out = run(Map.of(FRAMES, frames), VIDEO_FEATURES, FRAME_FEATURES);
        INDArray perFrame = out.get(FRAME_FEATURES).reshape(frames.size(0), frames.size(1), config.embedDim());
        return new VideoFeatures(out.get(VIDEO_FEATURES), perFrame);
    }

    /** @param tokens C rows of context-length ids (start, BPE ids, end, zero padding) → [C, E] */
    public INDArray encodeText(int[][] tokens) {
        return run(textInputs(tokens), TEXT_FEATURES).get(TEXT_FEATURES);
    }

    /** @return logits [B, C] = exp(logit_scale)·cos(video features, text features) */
    public INDArray logits(INDArray frames, int[][] tokens) {
        requireFrames(frames);
        Map<String, INDArray> inputs = textInputs(tokens);
        inputs.put(FRAMES, frames);
        return run(inputs, LOGITS).get(LOGITS);
    }

    /**
     * The same logits from features already computed (e.g. text features of the class prompts computed
     * once for many videos): exp(logit_scale)·cos(video, text).
     *
     * @param videoFeatures [B, E] and textFeatures [C, E], before normalisation → [B, C]
     */
    public INDArray logitsOfFeatures(INDArray videoFeatures, INDArray textFeatures) {
        double scale = Math.exp(sd.getVariable("logit_scale").getArr().getDouble(0));
        return unitRows(videoFeatures).mmul(unitRows(textFeatures).transpose()).muli(scale);
    }

    private static INDArray unitRows(INDArray x) {
        return x.divColumnVector(x.norm2(1).reshape(x.rows(), 1));
    }

    /** Loss and the gradient of every trainable parameter, under OpenAI key names. */
    public static final class Gradients implements AutoCloseable {
        private final double loss;
        private final INDArray logits;
        private final Map<String, INDArray> byParameter;
        private final SessionMemMgr arrays;

        /** @param arrays where {@link #close} gives the arrays back, or null to free them */
        Gradients(double loss, INDArray logits, Map<String, INDArray> byParameter, SessionMemMgr arrays) {
            this.loss = loss;
            this.logits = logits;
            this.byParameter = byParameter;
            this.arrays = arrays;
        }

        public double loss() {
            return loss;
        }

        public INDArray logits() {
            return logits;
        }

        public Map<String, INDArray> byParameter() {
            return byParameter;
        }

        /**
         * Gives the gradient and logit arrays back to the model's pool of training arrays, where the next
         * step takes them again (ViT-B/16: 124M floats a step that were allocated, faulted in and freed
         * anew, while glibc's heap grew by 0.3 GB a step over the first steps). They must not be used
         * afterwards. Without a pool they are freed now: ND4J frees off-heap memory when the garbage
         * collector finds an array unreachable, and the heap of a training loop stays too small for that
         * to happen in time.
         */
        @Override
        public void close() {
            for (INDArray array : byParameter.values()) {
                giveBack(array);
            }
            giveBack(logits);
        }

        private void giveBack(INDArray array) {
            if (arrays != null) {
                arrays.release(array);
            } else {
                array.close();
            }
        }
    }

    /** Cross-entropy gradients for class indices {@code labels} (one per video). */
    public Gradients gradients(INDArray frames, int[][] tokens, int[] labels) {
        return gradients(frames, tokens, targets(labels, tokens.length, 0.0));
    }

    /**
     * Activation recomputation (ViFi-CLIP's {@code TRAIN.USE_CHECKPOINT}): when on, {@link #gradients}
     * keeps only each residual block's input from the forward pass and re-runs the blocks one at a time
     * during the backward pass ({@link BlockwiseBackward}). Same gradients, far less memory, about a third
     * more work.
     */
    public synchronized void recomputeActivations(boolean on) {
        this.recompute = on;
    }

    /** @param targets [B, C] target distributions, see {@link #targets} */
    public Gradients gradients(INDArray frames, int[][] tokens, INDArray targets) {
        requireFrames(frames);
        JitDirectives.applyOnce();
        if (recompute) {
            return blockwise().gradients(frames, textInputs(tokens), targets);
        }
        Map<String, INDArray> inputs = placeholders(frames, tokens, targets);
        prepareGradients();
        OutAndGrad result = Graphs.gradientsAndOutputs(sd, trainingArrays, inputs, List.of(LOSS, LOGITS), parameters.trainable());
        return new Gradients(result.getOutputs().get(LOSS).getDouble(0), result.getOutputs().get(LOGITS),
                result.getGradients(), trainingArrays);
    }

    private synchronized BlockwiseBackward blockwise() {
        if (blockwise == null) {
            blockwise = new BlockwiseBackward(config, parameters, prompts);
        }
        return blockwise;
    }

    /**
     * Builds the backward graph once (SameDiff does it on the first gradient request otherwise), with
     * M2.1's line per differentiated op kept off standard output.
     */
    public synchronized void prepareGradients() {
        if (sd.getFunction(Graphs.GRADIENT_FUNCTION) == null) {
            BackwardGraph.build(sd);
        }
    }

    /** Loss only (no backward pass). */
    public double loss(INDArray frames, int[][] tokens, INDArray targets) {
        requireFrames(frames);
        return run(placeholders(frames, tokens, targets), LOSS).get(LOSS).getDouble(0);
    }

    /** Every placeholder of the training graph, for {@link #sameDiff()} users (training loops). */
    public Map<String, INDArray> placeholders(INDArray frames, int[][] tokens, INDArray targets) {
        Map<String, INDArray> inputs = textInputs(tokens);
        inputs.put(FRAMES, frames);
        inputs.put(TARGETS, targets);
        return inputs;
    }

    /**
     * Target distributions for the cross-entropy: one-hot of {@code labels}, or with label smoothing ε
     * (1−ε)·one-hot + ε/C, which gives exactly timm's {@code LabelSmoothingCrossEntropy} loss.
     */
    public static INDArray targets(int[] labels, int classes, double smoothing) {
        INDArray t = Nd4j.valueArrayOf(new long[]{labels.length, classes}, smoothing / classes, DataType.FLOAT);
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0 || labels[b] >= classes) {
                throw new IllegalArgumentException("label " + labels[b] + " is not a class index below " + classes);
            }
            t.putScalar(b, labels[b], 1.0 - smoothing + smoothing / classes);
        }
        return t;
    }

    /** The text tower's placeholders for these prompts (token embeddings looked up here). */
    public Map<String, INDArray> textInputs(int[][] tokens) {
        return textInputs.prepare(tokens);
    }

    private Map<String, INDArray> run(Map<String, INDArray> inputs, String... outputs) {
        Graphs.useOwnSession(sd);
        return sd.output(inputs, outputs);
    }

    private void requireFrames(INDArray frames) {
        requireShape("frames", frames, -1, -1, 3, config.imageResolution(), config.imageResolution());
    }

    /** -1 in {@code shape} matches any size. */
    private static void requireShape(String what, INDArray array, long... shape) {
        boolean ok = array.rank() == shape.length;
        for (int i = 0; ok && i < shape.length; i++) {
            ok = shape[i] < 0 ? array.size(i) > 0 : array.size(i) == shape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " must be " + Arrays.toString(shape).replace("-1", "any")
                    + ", got " + Arrays.toString(array.shape()));
        }
    }
}
