package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.TorchCheckpointWriter.OrderedDict;
import org.vificlip.checkpoint.TorchCheckpointWriter.Tuple;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** torch.save-style checkpoints written by {@link TorchCheckpointWriter}, read back by {@link TorchCheckpointReader}. */
class TorchCheckpointWriterTest {

    @TempDir
    Path tmp;

    private static INDArray floats(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    /** Optimizer-like, training-state-like nesting with every supported kind of value. */
    private static Map<String, Object> nested() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("module.image_encoder.proj", floats(8, 4));
        model.put("module.image_encoder.class_embedding", floats(8));
        model.put("module.logit_scale", Nd4j.scalar(4.6052f));

        Map<Object, Object> state = new LinkedHashMap<>();
        state.put(0, new LinkedHashMap<>(Map.of("step", Nd4j.scalar(3f))));
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("step", Nd4j.scalar(3f));
        second.put("exp_avg", floats(8, 4));
        second.put("exp_avg_sq", floats(8, 4).muli(0).addi(1e-30f)); // subnormal-adjacent values survive exactly
        state.put(1, second);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 8e-6);
        group.put("betas", new Tuple(List.of(0.9, 0.98)));
        group.put("eps", 1e-8f);
        group.put("weight_decay", 0.001);
        group.put("amsgrad", false);
        group.put("maximize", true);
        group.put("foreach", null);
        group.put("params", List.of(0, 1));
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", state);
        optimizer.put("param_groups", List.of(group));

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", new OrderedDict(model));
        root.put("optimizer", optimizer);
        root.put("epoch", 3);
        root.put("max_accuracy", 51.25);
        root.put("labels", Nd4j.createFromArray(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1));
        root.put("counts", Nd4j.createFromArray(7, -7, Integer.MIN_VALUE));
        root.put("mask", Nd4j.createFromArray(true, false, true));
        root.put("half", Nd4j.createFromArray(1f, -2.5f, 65504f, 6e-8f).castTo(DataType.HALF));
        root.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
        root.put("tuple", new Tuple(List.of(1, "two", new Tuple(List.of()), List.of(), Map.of())));
        root.put("ints", List.of(0, 255, 256, 65535, 65536, -1, -256, Integer.MAX_VALUE, Integer.MIN_VALUE,
                1L << 31, -(1L << 31) - 1, Long.MAX_VALUE, Long.MIN_VALUE));
        root.put("floats", List.of(0.0, -0.0, 1.0 / 3, Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN,
                Double.NEGATIVE_INFINITY, 0.1f));
        root.put("text", "Größe ✓ 中文 \"quoted\"\n");
        root.put("nothing", null);
        root.put("yes", true);
        root.put("long list", new ArrayList<>(java.util.Collections.nCopies(2500, "x"))); // APPENDS in batches
        Map<Object, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 2100; i++) many.put(i * 7L, i);
        root.put("big dict", many); // SETITEMS in batches
        root.put("config", Map.of("TRAIN", new LinkedHashMap<>(Map.of("EPOCHS", 30, "LR", 8e-6))));
        return root;
    }

    /** What the reader must return for a written value: Python's view of it. */
    private static Object pythonView(Object v) {
        if (v instanceof Integer i) return (long) i;
        if (v instanceof Float f) return (double) f;
        if (v instanceof OrderedDict d) return pythonView(d.entries());
        if (v instanceof Tuple t) return pythonView(t.items());
        if (v instanceof List<?> l) return l.stream().map(TorchCheckpointWriterTest::pythonView).toList();
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(pythonView(k), pythonView(x)));
            return out;
        }
        return v;
    }

    /** Exact equality, arrays by dtype, shape and bytes (NaN-safe), maps in order. */
    static void assertSameValue(Object expected, Object actual, String path) {
        if (expected instanceof INDArray e) {
            INDArray a = assertInstanceOf(INDArray.class, actual, path);
            assertEquals(e.dataType(), a.dataType(), path + " dtype");
            assertArrayEquals(e.shape(), a.shape(), path + " shape");
            if (e.length() > 0) assertEquals(bytes(e), bytes(a), path + " values");
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = assertInstanceOf(Map.class, actual, path);
            assertEquals(new ArrayList<>(e.keySet()), new ArrayList<>(a.keySet()), path + " keys");
            for (Object k : e.keySet()) assertSameValue(e.get(k), a.get(k), path + "[" + k + "]");
        } else if (expected instanceof List<?> e) {
            List<?> a = assertInstanceOf(List.class, actual, path);
            assertEquals(e.size(), a.size(), path + " size");
            for (int i = 0; i < e.size(); i++) assertSameValue(e.get(i), a.get(i), path + "[" + i + "]");
        } else if (expected instanceof Double d) {
            assertInstanceOf(Double.class, actual, path);
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), path);
        } else {
            assertEquals(expected, actual, path);
            if (expected != null) assertEquals(expected.getClass(), actual.getClass(), path);
        }
    }

    private static ByteBuffer bytes(INDArray a) {
        return a.dup('c').data().asNio().duplicate().clear();
    }

    @Test
    void nestedStructureRoundTripsExactly() throws IOException {
        Map<String, Object> root = nested();
        Path file = tmp.resolve("state.pth");
        TorchCheckpointWriter.write(file, root);
        Object read = TorchCheckpointReader.read(file);
        assertSameValue(pythonView(root), read, "root");
        assertInstanceOf(LinkedHashMap.class, read);
    }

    @Test
    void viewsAndFortranOrderArraysAreWrittenAsTheirCOrderValues() throws IOException {
        INDArray m = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("row", m.getRow(1));
        root.put("column", m.getColumn(2));
        root.put("transposed", m.transpose());
        root.put("fortran", m.dup('f'));
        root.put("same object twice", List.of(m, m));
        Path file = tmp.resolve("views.pt");
        TorchCheckpointWriter.write(file, root);
        Map<?, ?> read = (Map<?, ?>) TorchCheckpointReader.read(file);
        assertArrayEquals(new float[]{4, 5, 6, 7}, ((INDArray) read.get("row")).toFloatVector());
        assertArrayEquals(new float[]{2, 6, 10}, ((INDArray) read.get("column")).toFloatVector());
        assertArrayEquals(new float[]{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11},
                ((INDArray) read.get("transposed")).dup('c').data().asFloat());
        assertArrayEquals(m.data().asFloat(), ((INDArray) read.get("fortran")).dup('c').data().asFloat());
        for (Object o : (List<?>) read.get("same object twice")) assertArrayEquals(m.data().asFloat(), ((INDArray) o).data().asFloat());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(5, zip.stream().filter(e -> e.getName().startsWith("views/data/")).count(),
                    "one storage per distinct array");
        }
    }

    /** The zip as torch.save lays it out: STORED entries, data 64-byte aligned, the folder named after the file. */
    @Test
    void zipLayoutIsTorchSaves() throws IOException {
        Path file = tmp.resolve("vifi_clip_k400.pth");
        TorchCheckpointWriter.write(file, nested());
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            }
            assertEquals("3\n", new String(zip.getInputStream(zip.getEntry("vifi_clip_k400/version")).readAllBytes(),
                    StandardCharsets.US_ASCII));
            assertEquals("little", new String(zip.getInputStream(zip.getEntry("vifi_clip_k400/byteorder")).readAllBytes(),
                    StandardCharsets.US_ASCII));
        }
        assertEquals("vifi_clip_k400/data.pkl", names.get(0), "data.pkl first: torch takes the folder from the first entry");
        assertEquals("vifi_clip_k400/version", names.get(names.size() - 1));
        assertTrue(names.contains("vifi_clip_k400/data/0"));
        // walk the local headers: data of every entry starts at a multiple of 64
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long at = 0;
            for (String name : names) {
                byte[] header = new byte[30];
                raf.seek(at);
                raf.readFully(header);
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0x04034b50, h.getInt(0), "local header of " + name);
                long size = h.getInt(18) & 0xffffffffL;
                long data = at + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
                assertEquals(0, data % 64, name + " data at " + data);
                at = data + size;
            }
        }
    }

    @Test
    void sameContentGivesTheSameBytes() throws IOException {
        Map<String, Object> root = nested();
        TorchCheckpointWriter.write(tmp.resolve("a.pth"), root);
        TorchCheckpointWriter.write(tmp.resolve("b.pth"), root);
        byte[] a = Files.readAllBytes(tmp.resolve("a.pth"));
        byte[] b = Files.readAllBytes(tmp.resolve("b.pth"));
        // the folder names differ ("a/" and "b/"), nothing else
        assertEquals(a.length, b.length);
        int differing = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) differing++;
        assertTrue(differing > 0 && differing <= 2 * 64, differing + " bytes differ");
    }

    @Test
    void atomicWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = tmp.resolve("checkpoint.pth");
        Files.writeString(file, "an older, longer checkpoint that is not even a zip ".repeat(1000));
        TorchCheckpointWriter.write(file, Map.of("epoch", 7));
        assertEquals(Map.of("epoch", 7L), TorchCheckpointReader.read(file));
        TorchCheckpointWriter.write(file, Map.of("epoch", 8));
        assertEquals(Map.of("epoch", 8L), TorchCheckpointReader.read(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void unsupportedValuesAreRefusedByPathBeforeAnythingIsWritten() throws IOException {
        Path file = tmp.resolve("bad.pth");
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", Map.of(0, Map.of("step", new java.util.HashSet<>(List.of(1)))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchCheckpointWriter.write(file, Map.of("optimizer", optimizer)));
        assertTrue(e.getMessage().contains("['optimizer']['state'][0]['step']") && e.getMessage().contains("HashSet"),
                e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> TorchCheckpointWriter.write(file, Map.of("x", List.of(1, Map.of(2.5, 1)))));
        assertTrue(e.getMessage().contains("['x'][1]") && e.getMessage().contains("key"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> TorchCheckpointWriter.write(file, Map.of("t", new Tuple(List.of(Nd4j.create(DataType.UINT32, 2))))));
        assertTrue(e.getMessage().contains("['t'][0]") && e.getMessage().contains("UINT32"), e.getMessage());

        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpointWriter.write(file, Map.of("loop", loop)));
        assertTrue(e.getMessage().contains("['loop'][0]"), e.getMessage());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void readerNamesTheFileOfBrokenOrForeignInput() throws IOException {
        Path missing = tmp.resolve("missing.pth");
        BadInputException e = assertThrows(BadInputException.class, () -> TorchCheckpointReader.read(missing));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());

        Path text = tmp.resolve("notes.pth");
        Files.writeString(text, "not a checkpoint");
        e = assertThrows(BadInputException.class, () -> TorchCheckpointReader.read(text));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not a PyTorch"), e.getMessage());

        Path good = tmp.resolve("good.pth");
        TorchCheckpointWriter.write(good, Map.of("w", floats(64, 64)));
        byte[] whole = Files.readAllBytes(good);
        Path truncated = tmp.resolve("truncated.pth");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(BadInputException.class, () -> TorchCheckpointReader.read(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());

        // ViFi-CLIP's own checkpoints pickle their config as a yacs CfgNode: an object, not plain data
        Path vificlip = ClipFixtures.vificlip();
        e = assertThrows(BadInputException.class, () -> TorchCheckpointReader.read(vificlip));
        assertTrue(e.getMessage().contains(vificlip.toString()) && e.getMessage().contains("['config']")
                && e.getMessage().contains("CfgNode"), e.getMessage());
    }

    /** The reader also reads files PyTorch wrote: the fixture state dict, fp32 tensors as FLOAT. */
    @Test
    void readerReadsTorchSavesStateDict() throws IOException {
        Map<?, ?> read = (Map<?, ?>) TorchCheckpointReader.read(ClipFixtures.stateDict());
        StateDict reference = Checkpoints.load(ClipFixtures.stateDict());
        assertEquals(new HashSet<>(reference.tensors().keySet()), new HashSet<>(read.keySet()));
        for (var e : reference.tensors().entrySet()) {
            INDArray a = (INDArray) read.get(e.getKey());
            assertNotNull(a, e.getKey());
            assertEquals(DataType.FLOAT, a.dataType(), e.getKey());
            assertSameValue(e.getValue(), a, e.getKey());
        }
        assertFalse(read.isEmpty());
    }
}
