package org.vificlip.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.TorchCheckpointReader;
import org.vificlip.checkpoint.TorchCheckpointWriter;
import org.vificlip.checkpoint.ViFiClipNames;
import org.vificlip.model.ClipModel;
import org.vificlip.model.PromptConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * ViFi-CLIP's {@code epoch_saving} / {@code load_checkpoint}: a {@code torch.save} file that PyTorch opens with
 * {@code weights_only=True}, ViFi-CLIP's {@code load_checkpoint} and this project's {@code --checkpoint} read.
 * <pre>
 *   model         OrderedDict, ViFi-CLIP's names (module.image_encoder.*, module.text_encoder.*, module.logit_scale;
 *                 with prompt learning also module.prompt_learner.ctx, module.image_encoder.VPT and the deep
 *                 ...resblocks.N.VPT_shallow), frozen weights included, in ViFi-CLIP's named_parameters() order
 *   optimizer     torch.optim.AdamW.state_dict(): state {index: {step, exp_avg, exp_avg_sq}} and param_groups,
 *                 indices in the order of ViFi-CLIP's model.parameters()
 *   lr_scheduler  timm CosineLRScheduler's fields (t_initial, lr_min, warmup_t, warmup_lr_init, base_values)
 *   max_accuracy, epoch, config (the merged config as a plain dict: weights_only cannot hold a yacs CfgNode)
 *   vificlip_java what our --resume needs beyond that: the learning rate in force, updates done, seed
 * </pre>
 * The random state needs no saving: every draw is seeded from (SEED, epoch, batch index).
 */
public final class TrainingCheckpoint {
    /** Where a resumed run picks up. */
    public record Resume(int nextEpoch, double maxAccuracy, double lr, long updates) {
    }

    private TrainingCheckpoint() {
    }

    /** Where the run stands when {@link #save} writes: everything besides the weights and optimizer. */
    public record RunState(int epoch, double maxAccuracy, double lr, long updates, long seed) {
    }

    public static void save(Path file, ClipModel model, List<String> allParameters, AdamW optimizer,
                            CosineLrSchedule schedule, RunState progress, Map<String, Object> config) throws IOException {
        Map<String, Object> weights = new LinkedHashMap<>();
        for (String key : ViFiClipNames.parameterOrder(allParameters)) {
            weights.put(ViFiClipNames.toViFiClip(key), model.parameter(key));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", new TorchCheckpointWriter.OrderedDict(weights));
        root.put("optimizer", optimizerState(allParameters, optimizer, progress.lr()));
        root.put("lr_scheduler", schedulerState(schedule));
        root.put("max_accuracy", progress.maxAccuracy());
        root.put("epoch", progress.epoch());
        root.put("config", config);
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("format", 1);
        ours.put("lr", progress.lr());
        ours.put("updates", progress.updates());
        ours.put("seed", progress.seed());
        root.put("vificlip_java", ours);
        TorchCheckpointWriter.write(file, root);
    }

    /** torch.optim.AdamW.state_dict() for ViFi-CLIP's single parameter group over model.parameters(). */
    private static Map<String, Object> optimizerState(List<String> allParameters, AdamW optimizer, double lr) {
        List<String> order = ViFiClipNames.parameterOrder(allParameters);
        Map<Object, Object> state = new LinkedHashMap<>();
        List<Object> indices = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            indices.add(i);
            AdamW.State s = optimizer.states().get(order.get(i));
            if (s != null) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("step", Nd4j.scalar(DataType.FLOAT, (float) s.step()));
                entry.put("exp_avg", s.expAvg());
                entry.put("exp_avg_sq", s.expAvgSq());
                state.put(i, entry);
            }
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", lr);
        group.put("betas", new TorchCheckpointWriter.Tuple(List.of(optimizer.beta1(), optimizer.beta2())));
        group.put("eps", optimizer.eps());
        group.put("weight_decay", optimizer.weightDecay());
        group.put("amsgrad", false);
        group.put("foreach", null);
        group.put("maximize", false);
        group.put("capturable", false);
        group.put("differentiable", false);
        group.put("fused", null);
        group.put("params", indices);
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("state", state);
        dict.put("param_groups", List.of(group));
        return dict;
    }

    private static Map<String, Object> schedulerState(CosineLrSchedule schedule) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("param_group_field", "lr");
        s.put("t_in_epochs", false);
        s.put("t_initial", schedule.tInitial());
        s.put("lr_min", schedule.lrMin());
        s.put("warmup_t", schedule.warmupT());
        s.put("warmup_lr_init", schedule.warmupLrInit());
        s.put("cycle_limit", 1);
        s.put("base_values", List.of(schedule.baseLr()));
        return s;
    }

    /**
     * Loads a checkpoint written by {@link #save} into the model (in place) and the optimizer.
     *
     * @throws BadInputException naming the file when it is not such a checkpoint or does not fit the model
     */
    @SuppressWarnings("unchecked")
    public static Resume load(Path file, ClipModel model, List<String> allParameters, AdamW optimizer) throws IOException {
        Object root = TorchCheckpointReader.read(file);
        if (!(root instanceof Map<?, ?> dict) || !(dict.get("model") instanceof Map<?, ?> weights)) {
            throw new BadInputException(file, "not a ViFi-CLIP training checkpoint (no 'model' dict)");
        }
        if (!(dict.get("vificlip_java") instanceof Map<?, ?> ours)) {
            throw new BadInputException(file, "cannot resume from this checkpoint: it was not written by vificlip train"
                    + " (use it as --checkpoint to start a new run from its weights)");
        }
        for (String key : allParameters) {
            Object value = weights.get(ViFiClipNames.toViFiClip(key));
            if (!(value instanceof INDArray array)) {
                throw new BadInputException(file, "missing weight '" + ViFiClipNames.toViFiClip(key) + "'"
                        + (PromptConfig.isPromptKey(key) ? " (a checkpoint without prompts starts a prompt-learning run"
                        + " as --checkpoint, not --resume or MODEL.RESUME)" : ""));
            }
            INDArray target = model.parameter(key);
            if (!java.util.Arrays.equals(array.shape(), target.shape())) {
                throw new BadInputException(file, "weight '" + key + "' has shape " + java.util.Arrays.toString(array.shape())
                        + ", the model's is " + java.util.Arrays.toString(target.shape()));
            }
            target.assign(array.castTo(DataType.FLOAT));
        }
        Map<Object, Object> optimizerDict = (Map<Object, Object>) dict.get("optimizer");
        Map<Object, Object> state = (Map<Object, Object>) optimizerDict.get("state");
        List<String> order = ViFiClipNames.parameterOrder(allParameters);
        for (Map.Entry<Object, Object> e : state.entrySet()) {
            int index = ((Number) e.getKey()).intValue();
            Map<Object, Object> s = (Map<Object, Object>) e.getValue();
            long step = Math.round(((INDArray) s.get("step")).getDouble(0));
            optimizer.restore(order.get(index), new AdamW.State(step,
                    ((INDArray) s.get("exp_avg")).castTo(DataType.FLOAT).dup('c'),
                    ((INDArray) s.get("exp_avg_sq")).castTo(DataType.FLOAT).dup('c')));
        }
        int epoch = ((Number) dict.get("epoch")).intValue();
        double maxAccuracy = ((Number) dict.get("max_accuracy")).doubleValue();
        return new Resume(epoch + 1, maxAccuracy, ((Number) ours.get("lr")).doubleValue(),
                ((Number) ours.get("updates")).longValue());
    }

    /** ViFi-CLIP's {@code auto_resume_helper}: the newest {@code .pth} in the output directory, if any. */
    public static Optional<Path> newest(Path outputDir) throws IOException {
        if (!Files.isDirectory(outputDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(outputDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pth"))
                    .max(Comparator.comparing(TrainingCheckpoint::modified));
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }
}
