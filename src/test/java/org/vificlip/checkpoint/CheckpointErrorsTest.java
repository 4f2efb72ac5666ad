package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;
import org.vificlip.model.ClipConfig;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input gets a {@link BadInputException} naming the file and the problem. */
class CheckpointErrorsTest {

    /** A small CLIP: vision 64 wide, patch 16 at 32 px, one layer per tower, 50-word vocabulary. */
    static final ClipConfig SMALL = new ClipConfig(16, 32, 1, 64, 16, 77, 50, 64, 1);

    @TempDir
    Path tmp;

    static Map<String, Object> randomStateDict(ClipConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, Object> entries = new LinkedHashMap<>();
        config.expectedShapes().forEach((k, shape) -> {
            float[] v = new float[(int) TensorSource.numel(shape)];
            for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
            entries.put(k, TorchZipWriter.Tensor.float32(shape, v));
        });
        return entries;
    }

    private BadInputException loadFails(Path file, String... expectedFragments) {
        BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.load(file));
        assertNamesFileAnd(e, file, expectedFragments);
        return e;
    }

    private static void assertNamesFileAnd(BadInputException e, Path file, String... fragments) {
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "mentions '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void aWellFormedSmallStateDictLoads() throws IOException {
        Path file = tmp.resolve("small.pt");
        Map<String, Object> entries = randomStateDict(SMALL, 1);
        TorchZipWriter.writeStateDict(file, entries);
        StateDict sd = Checkpoints.load(file);
        assertEquals(SMALL, ClipConfig.infer(sd.shapes(), file));
        TorchZipWriter.Tensor proj = (TorchZipWriter.Tensor) entries.get("visual.proj");
        float[] expected = floats(proj.storage());
        assertEquals(expected[17], sd.get("visual.proj").getFloat(17 / 16, 17 % 16));
    }

    private static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    @Test
    void missingFile() {
        loadFails(tmp.resolve("nowhere.pt"), "no such file");
    }

    @Test
    void notAZipNorSafetensors() throws IOException {
        Path file = tmp.resolve("notes.pt");
        Files.writeString(file, "these are not the weights you are looking for\n");
        loadFails(file, "not a PyTorch zip checkpoint, a safetensors file or a Hugging Face directory");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = tmp.resolve("empty.pt");
        Files.write(file, new byte[0]);
        loadFails(file, "0 bytes");
    }

    @Test
    void truncatedZip() throws IOException {
        Path file = tmp.resolve("cut.pt");
        TorchZipWriter.writeStateDict(file, randomStateDict(SMALL, 2));
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length / 2));
        loadFails(file, "truncated or corrupt zip");
    }

    @Test
    void zipWithoutDataPkl() throws IOException {
        Path file = tmp.resolve("other.zip");
        TorchZipWriter.writeZip(file, "archive", null, Map.of("0", new byte[16]));
        loadFails(file, "data.pkl");
    }

    @Test
    void missingKey() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 3);
        entries.remove("ln_final.bias");
        entries.remove("visual.transformer.resblocks.0.mlp.c_fc.weight");
        Path file = tmp.resolve("missing.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "2 missing key(s)", "'ln_final.bias'".replace("'", ""), "visual.transformer.resblocks.0.mlp.c_fc.weight");
    }

    @Test
    void misshapedKey() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 4);
        entries.put("visual.transformer.resblocks.0.ln_1.weight", TorchZipWriter.Tensor.float32(new long[]{63}, new float[63]));
        Path file = tmp.resolve("misshaped.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "mis-shaped", "'visual.transformer.resblocks.0.ln_1.weight' expected [64], found [63]");
    }

    @Test
    void unsupportedDtypeComplex() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 5);
        TorchZipWriter.Tensor p = (TorchZipWriter.Tensor) entries.get("visual.proj");
        entries.put("visual.proj", new TorchZipWriter.Tensor("ComplexFloatStorage", new byte[p.storage().length * 2],
                p.numel(), 0, p.size(), p.stride()));
        Path file = tmp.resolve("complex.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'visual.proj'", "unsupported dtype", "ComplexFloatStorage");
    }

    @Test
    void unsupportedDtypeQuantised() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 6);
        TorchZipWriter.Tensor p = (TorchZipWriter.Tensor) entries.get("text_projection");
        entries.put("text_projection", new TorchZipWriter.Tensor("QInt8Storage", new byte[(int) p.numel()],
                p.numel(), 0, p.size(), p.stride()));
        Path file = tmp.resolve("quantised.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'text_projection'", "unsupported dtype", "QInt8Storage");
    }

    @Test
    void refusedOpcodes() throws IOException {
        // INST 'os system' / OBJ / EXT1: ways a pickle names and calls code; never part of a PyTorch file
        Map<String, byte[]> programs = new LinkedHashMap<>();
        programs.put("INST (0x69)", concat(new TorchZipWriter.Pickle().proto().op('(').string("echo pwned").bytes(),
                "ios\nsystem\n.".getBytes(StandardCharsets.US_ASCII)));
        programs.put("OBJ (0x6f)", concat(new byte[]{(byte) 0x80, 2, '('}, "cos\nsystem\n".getBytes(StandardCharsets.US_ASCII),
                new byte[]{'o', '.'}));
        programs.put("EXT1 (0x82)", new byte[]{(byte) 0x80, 2, (byte) 0x82, 1, '.'});
        for (Map.Entry<String, byte[]> p : programs.entrySet()) {
            Path file = tmp.resolve("opcode-" + p.getKey().substring(0, 3) + ".pt");
            TorchZipWriter.writeZip(file, "evil", p.getValue(), Map.of());
            BadInputException e = loadFails(file, "evil/data.pkl", p.getKey(), "refuses");
            assertTrue(e.getMessage().contains("opcode"), e.getMessage());
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void refusedClassWhereATensorIsRequired() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 7);
        // visual.proj = os.system('echo pwned'): recorded as an inert object, never looked up or called
        entries.put("visual.proj", new TorchZipWriter.Pickle().global("os", "system").op('(').string("echo pwned")
                .op('t').op('R').bytes());
        Path file = tmp.resolve("evil-class.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'visual.proj'", "os.system", "refuses to build into a tensor");
    }

    @Test
    void refusedTensorClassForAnOrdinaryWeight() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 8);
        entries.put("ln_final.weight", new TorchZipWriter.Pickle().global("torch._utils", "_rebuild_qtensor")
                .op(')').op('R').bytes());
        Path file = tmp.resolve("qtensor.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'ln_final.weight'", "torch._utils._rebuild_qtensor", "refuses to build into a tensor");
    }

    @Test
    void truncatedPickle() throws IOException {
        Path file = tmp.resolve("cut-pickle.pt");
        TorchZipWriter.writeZip(file, "archive", new byte[]{(byte) 0x80, 2, '}', '(', 'X', 5, 0, 0, 0, 'a'}, Map.of());
        loadFails(file, "archive/data.pkl", "runs past the end");
    }

    @Test
    void storageShorterThanItsTensor() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 9);
        TorchZipWriter.Tensor p = (TorchZipWriter.Tensor) entries.get("visual.proj");
        entries.put("visual.proj", new TorchZipWriter.Tensor("FloatStorage", Arrays.copyOf(p.storage(), 100),
                p.numel(), 0, p.size(), p.stride()));
        Path file = tmp.resolve("short-storage.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'visual.proj'", "archive/data/");
    }

    @Test
    void viewPastTheEndOfItsStorage() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 10);
        TorchZipWriter.Tensor p = (TorchZipWriter.Tensor) entries.get("visual.proj");
        entries.put("visual.proj", new TorchZipWriter.Tensor("FloatStorage", p.storage(), p.numel(), 5, p.size(), p.stride()));
        Path file = tmp.resolve("bad-view.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'visual.proj'", "reaches past its storage");
    }

    @Test
    void bigEndianStorages() throws IOException {
        Path file = tmp.resolve("big-endian.pt");
        TorchZipWriter.writeStateDict(file, randomStateDict(SMALL, 13));
        // add the 'byteorder' record PyTorch writes on big-endian machines
        Path withOrder = tmp.resolve("big-endian2.pt");
        try (var in = new java.util.zip.ZipFile(file.toFile());
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(withOrder))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new java.util.zip.ZipEntry("archive/byteorder"));
            out.write("big".getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        loadFails(withOrder, "'big' byte order");
    }

    @Test
    void absurdTensorSize() throws IOException {
        Map<String, Object> entries = randomStateDict(SMALL, 14);
        TorchZipWriter.Tensor p = (TorchZipWriter.Tensor) entries.get("visual.proj");
        entries.put("visual.proj", new TorchZipWriter.Tensor("FloatStorage", p.storage(), p.numel(), 0,
                p.size(), new long[]{1L << 62, 1}));
        Path file = tmp.resolve("absurd.pt");
        TorchZipWriter.writeStateDict(file, entries);
        loadFails(file, "'visual.proj'", "impossible tensor view");
    }

    @Test
    void legacyTorchSave() throws IOException {
        Path file = tmp.resolve("legacy.pt");
        Files.write(file, new byte[]{(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9,
                0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'});
        loadFails(file, "legacy");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        Path file = tmp.resolve("cut.safetensors");
        Safetensors.write(Map.of("visual.proj", org.nd4j.linalg.factory.Nd4j.rand(64, 16)), good);
        byte[] all = Files.readAllBytes(good);
        Files.write(file, Arrays.copyOf(all, all.length - 100));
        loadFails(file, "'visual.proj'", "outside the", "truncated");
    }

    @Test
    void safetensorsWithAnUnsupportedDtype() throws IOException {
        String header = "{\"visual.proj\":{\"dtype\":\"C64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path file = tmp.resolve("complex.safetensors");
        Files.write(file, b.array());
        // a lone complex projection: validation reports what is missing first, the dtype once the rest is there
        loadFails(file, "missing key");
        TensorSource t = Safetensors.read(file).tensors().get("visual.proj");
        assertTrue(t.unsupportedReason().contains("unsupported dtype C64"), t.unsupportedReason());
    }

    @Test
    void directoryThatIsNotAHuggingFaceModel() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("some-dir"));
        loadFails(dir, "without model.safetensors");
    }

    @Test
    void aViFiClipCheckpointGivenAsTheWeights() throws IOException {
        loadFails(ClipFixtures.vificlip(), "ViFi-CLIP training checkpoint", "--checkpoint");
    }

    @Test
    void fineTunedCheckpointThatDoesNotFitTheBase() throws IOException {
        Path base = tmp.resolve("base.pt");
        TorchZipWriter.writeStateDict(base, randomStateDict(SMALL, 11));
        Path ckpt = tmp.resolve("vifi.pth");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("module.image_encoder.proj", TorchZipWriter.Tensor.float32(new long[]{64, 32}, new float[64 * 32]));
        TorchZipWriter.writeStateDict(ckpt, model); // a bare state dict is accepted as the 'model' dict
        BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.loadFineTuned(base, ckpt));
        assertNamesFileAnd(e, ckpt, "module.image_encoder.proj", "expected [64, 16], found [64, 32]");
    }

    @Test
    void fineTunedCheckpointMissing() throws IOException {
        Path base = tmp.resolve("base.pt");
        TorchZipWriter.writeStateDict(base, randomStateDict(SMALL, 12));
        Path ckpt = tmp.resolve("absent.pth");
        BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.loadFineTuned(base, ckpt));
        assertNamesFileAnd(e, ckpt, "no such file");
    }
}
