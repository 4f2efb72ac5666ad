package org.vificlip.checkpoint;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.model.ClipConfig;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The formats of the CLIP fixture load to the same weights, with the architecture the reference reports. */
class CheckpointsFixtureTest {

    private static StateDict torchScript;
    private static StateDict stateDict;

    @BeforeAll
    static void loadBoth() throws IOException {
        torchScript = Checkpoints.load(ClipFixtures.torchScript());
        stateDict = Checkpoints.load(ClipFixtures.stateDict());
    }

    @Test
    void torchScriptArchiveHoldsEveryExpectedKeyAsFloat32() throws IOException {
        assertComplete(torchScript);
    }

    @Test
    void stateDictHoldsEveryExpectedKeyAsFloat32() throws IOException {
        assertComplete(stateDict);
    }

    @Test
    void torchScriptAndStateDictAreIdentical() {
        assertSameWeights(stateDict, torchScript, 0.0);
    }

    @Test
    void architectureMatchesTheReference() throws IOException {
        JsonObject summary = JsonParser.parseString(Files.readString(ClipFixtures.dir().resolve("expected/summary.json")))
                .getAsJsonObject().getAsJsonObject("config");
        ClipConfig c = ClipConfig.infer(torchScript.shapes(), torchScript.source());
        assertEquals(summary.get("embed_dim").getAsInt(), c.embedDim());
        assertEquals(summary.get("image_resolution").getAsInt(), c.imageResolution());
        assertEquals(summary.get("vision_layers").getAsInt(), c.visionLayers());
        assertEquals(summary.get("vision_width").getAsInt(), c.visionWidth());
        assertEquals(summary.get("vision_heads").getAsInt(), c.visionHeads());
        assertEquals(summary.get("vision_patch_size").getAsInt(), c.visionPatchSize());
        assertEquals(summary.get("context_length").getAsInt(), c.contextLength());
        assertEquals(summary.get("vocab_size").getAsInt(), c.vocabSize());
        assertEquals(summary.get("transformer_width").getAsInt(), c.textWidth());
        assertEquals(summary.get("transformer_heads").getAsInt(), c.textHeads());
        assertEquals(summary.get("transformer_layers").getAsInt(), c.textLayers());
    }

    @Test
    void huggingFaceDirectoryMatchesTheOpenAiWeights() throws IOException {
        StateDict hf = Checkpoints.load(ClipFixtures.huggingFace());
        assertComplete(hf);
        assertSameWeights(torchScript, hf, 0.0);
    }

    @Test
    void huggingFaceSafetensorsFileAloneLoadsToo() throws IOException {
        StateDict hf = Checkpoints.load(ClipFixtures.huggingFace().resolve("model.safetensors"));
        assertSameWeights(torchScript, hf, 0.0);
    }

    /** The same Hugging Face weights split in two shards with a {@code model.safetensors.index.json}. */
    @Test
    void shardedHuggingFaceDirectoryLoads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path hf = ClipFixtures.huggingFace();
        Map<String, TensorSource> raw = Safetensors.read(hf.resolve("model.safetensors")).tensors();
        Map<String, INDArray> first = new java.util.LinkedHashMap<>();
        Map<String, INDArray> second = new java.util.LinkedHashMap<>();
        com.google.gson.JsonObject weightMap = new com.google.gson.JsonObject();
        for (var e : raw.entrySet()) {
            boolean vision = e.getKey().startsWith("vision_model.");
            (vision ? first : second).put(e.getKey(), Checkpoints.materialise(hf, e.getKey(), e.getValue()));
            weightMap.addProperty(e.getKey(), vision ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Safetensors.write(first, dir.resolve("model-00001-of-00002.safetensors"));
        Safetensors.write(second, dir.resolve("model-00002-of-00002.safetensors"));
        com.google.gson.JsonObject index = new com.google.gson.JsonObject();
        index.add("weight_map", weightMap);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        Files.copy(hf.resolve("config.json"), dir.resolve("config.json"));
        assertSameWeights(torchScript, Checkpoints.load(dir), 0.0);
    }

    /** An older Hugging Face directory: {@code pytorch_model.bin} (a torch.save zip under HF names) + config.json. */
    @Test
    void huggingFacePytorchModelBinLoads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path hf = ClipFixtures.huggingFace();
        Map<String, Object> entries = new java.util.LinkedHashMap<>();
        for (var e : Safetensors.read(hf.resolve("model.safetensors")).tensors().entrySet()) {
            entries.put(e.getKey(), TorchZipWriter.Tensor.float32(e.getValue().shape(), e.getValue().readFloats()));
        }
        TorchZipWriter.writeStateDict(dir.resolve("pytorch_model.bin"), entries);
        Files.copy(hf.resolve("config.json"), dir.resolve("config.json"));
        assertSameWeights(torchScript, Checkpoints.load(dir), 0.0);
    }

    /** A state dict saved from inside DistributedDataParallel, nested as {'epoch': .., 'state_dict': {'module.…'}}. */
    @Test
    void nestedStateDictWithModulePrefixLoads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        TorchZipWriter.Pickle p = new TorchZipWriter.Pickle().proto().op('}').op('(');
        p.string("epoch").integer(3).string("state_dict").op('}').op('(');
        Map<String, byte[]> storages = new java.util.LinkedHashMap<>();
        for (var e : stateDict.tensors().entrySet()) {
            INDArray a = e.getValue();
            TorchZipWriter.Tensor t = TorchZipWriter.Tensor.float32(a.shape(), a.dup('c').data().asFloat());
            String key = String.valueOf(storages.size());
            storages.put(key, t.storage());
            p.string("module." + e.getKey()).tensor(t, key);
        }
        p.op('u').op('u').op('.');
        java.nio.file.Path file = dir.resolve("ddp-checkpoint.pt");
        TorchZipWriter.writeZip(file, "ddp-checkpoint", p.bytes(), storages);
        assertSameWeights(stateDict, Checkpoints.load(file), 0.0);
    }

    @Test
    void safetensorsWriterRoundTripsUnderOpenAiNames() throws IOException {
        java.nio.file.Path tmp = Files.createTempFile("weights", ".bin"); // a name that says nothing: format by content
        try {
            Safetensors.write(stateDict.tensors(), tmp);
            assertSameWeights(stateDict, Checkpoints.load(tmp), 0.0);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void assertComplete(StateDict sd) throws IOException {
        ClipConfig c = ClipConfig.infer(sd.shapes(), sd.source());
        Map<String, long[]> expected = c.expectedShapes();
        assertEquals(expected.keySet(), sd.tensors().keySet());
        expected.forEach((k, shape) -> {
            INDArray a = sd.get(k);
            assertArrayEquals(shape, a.shape(), k);
            assertEquals(DataType.FLOAT, a.dataType(), k);
        });
        // not a degenerate read: the fixture's weights are random, no layer-norm weight exactly 1
        assertNotEquals(0.0, sd.get("visual.conv1.weight").stdNumber().doubleValue());
        assertNotEquals(1.0, sd.get("ln_final.weight").getDouble(0));
    }

    static void assertSameWeights(StateDict expected, StateDict actual, double tolerance) {
        assertEquals(expected.tensors().keySet(), actual.tensors().keySet());
        for (String k : expected.tensors().keySet()) {
            INDArray a = expected.get(k);
            INDArray b = actual.get(k);
            assertNotNull(b, k);
            assertArrayEquals(a.shape(), b.shape(), k);
            double diff = a.sub(b).amaxNumber().doubleValue();
            assertTrue(diff <= tolerance, k + ": max |diff| " + diff + " > " + tolerance);
        }
    }
}
