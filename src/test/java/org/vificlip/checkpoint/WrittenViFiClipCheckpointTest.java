package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.checkpoint.TorchCheckpointWriter.OrderedDict;
import org.vificlip.checkpoint.TorchCheckpointWriter.Tuple;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint shaped as ViFi-CLIP's {@code epoch_saving} writes it, written by {@link TorchCheckpointWriter}
 * from the fixture's weights, loads through the existing reader of ViFi-CLIP checkpoints.
 */
class WrittenViFiClipCheckpointTest {

    @TempDir
    Path tmp;

    /**
     * {'model': OrderedDict(module.* → tensor), 'optimizer': AdamW's state_dict, 'lr_scheduler', 'max_accuracy',
     * 'epoch', 'config'} for the given fine-tuned weights (OpenAI names, token embedding left out).
     */
    static Map<String, Object> vificlipCheckpoint(Map<String, INDArray> fineTuned) {
        Map<String, Object> model = new LinkedHashMap<>();
        List<String> order = ViFiClipNames.parameterOrder(fineTuned.keySet());
        for (String key : order) model.put(ViFiClipNames.toViFiClip(key), fineTuned.get(key));
        // a buffer ViFi-CLIP saves and drops again on loading: the class prompts' embeddings
        model.put("module.prompt_learner.complete_text_embeddings", Nd4j.rand(DataType.FLOAT, 5, 77, 128));

        Map<Object, Object> state = new LinkedHashMap<>();
        List<Object> indices = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            INDArray p = fineTuned.get(order.get(i));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", Nd4j.scalar(3f));
            s.put("exp_avg", p.mul(1e-3));
            s.put("exp_avg_sq", p.mul(p).muli(1e-6));
            state.put(i, s);
            indices.add(i);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 8e-6);
        group.put("betas", new Tuple(List.of(0.9, 0.98)));
        group.put("eps", 1e-8);
        group.put("weight_decay", 0.001);
        group.put("amsgrad", false);
        group.put("foreach", null);
        group.put("maximize", false);
        group.put("capturable", false);
        group.put("params", indices);
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", state);
        optimizer.put("param_groups", List.of(group));

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", new OrderedDict(model));
        root.put("optimizer", optimizer);
        root.put("lr_scheduler", Map.of("last_epoch", 3));
        root.put("max_accuracy", 51.25);
        root.put("epoch", 3);
        root.put("config", Map.of("MODEL", Map.of("ARCH", "ViT-B/16"), "TRAIN", Map.of("EPOCHS", 30, "LR", 8e-6)));
        return root;
    }

    @Test
    void loadsThroughCheckpointsLoadFineTunedToTheWrittenArrays() throws IOException {
        StateDict base = ClipFixtures.baseWeights();
        Map<String, INDArray> fineTuned = new LinkedHashMap<>();
        base.tensors().forEach((k, v) -> {
            if (!k.equals("token_embedding.weight")) fineTuned.put(k, v.mul(1.5).addi(0.01)); // differs from the base
        });
        Path file = tmp.resolve("ckpt_epoch_3.pth");
        TorchCheckpointWriter.write(file, vificlipCheckpoint(fineTuned));

        StateDict loaded = Checkpoints.loadFineTuned(ClipFixtures.torchScript(), file);
        Map<String, INDArray> expected = new LinkedHashMap<>(base.tensors());
        expected.putAll(fineTuned);
        CheckpointsFixtureTest.assertSameWeights(new StateDict(file, expected), loaded, 0.0);
        for (String k : fineTuned.keySet()) {
            assertTrue(base.get(k).sub(loaded.get(k)).amaxNumber().doubleValue() > 0, k + " comes from the checkpoint");
        }

        ViFiClipCheckpoint.Overlay overlay = Checkpoints.overlay(base, file);
        assertEquals(fineTuned.size(), overlay.replaced().size());
        assertEquals(List.of("module.prompt_learner.complete_text_embeddings"), overlay.skipped());
    }

    @Test
    void theWholeTrainingStateReadsBack() throws IOException {
        Map<String, INDArray> weights = new LinkedHashMap<>(ClipFixtures.baseWeights().tensors());
        weights.remove("token_embedding.weight");
        Map<String, Object> root = vificlipCheckpoint(weights);
        Path file = tmp.resolve("state.pth");
        TorchCheckpointWriter.write(file, root);
        Object read = TorchCheckpointReader.read(file);
        // Python's view: OrderedDict/tuple → map/list, int → long
        Map<?, ?> top = (Map<?, ?>) read;
        assertEquals(List.of("model", "optimizer", "lr_scheduler", "max_accuracy", "epoch", "config"),
                new ArrayList<>(top.keySet()));
        TorchCheckpointWriterTest.assertSameValue(((OrderedDict) root.get("model")).entries(), top.get("model"), "model");
        Map<?, ?> optimizer = (Map<?, ?>) top.get("optimizer");
        Map<?, ?> state = (Map<?, ?>) optimizer.get("state");
        assertEquals(weights.size(), state.size());
        @SuppressWarnings("unchecked") Map<Object, Object> written = (Map<Object, Object>) ((Map<?, ?>) root.get("optimizer")).get("state");
        for (Object k : written.keySet()) {
            TorchCheckpointWriterTest.assertSameValue(written.get(k), state.get((long) (Integer) k), "state[" + k + "]");
        }
        assertEquals(3L, top.get("epoch"));
        assertEquals(51.25, top.get("max_accuracy"));
        Map<?, ?> group = (Map<?, ?>) ((List<?>) optimizer.get("param_groups")).get(0);
        assertEquals(List.of(0.9, 0.98), group.get("betas"));
    }
}
