package org.vificlip.checkpoint;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes PyTorch checkpoints: files {@code torch.load(path, weights_only=True)} reads, laid out as
 * {@code torch.save} writes them: a zip of STORED, 64-byte aligned entries {@code <folder>/data.pkl} (the
 * pickled structure, protocol 2), {@code <folder>/byteorder} ({@code little}), {@code <folder>/data/<key>}
 * (one storage per tensor, its elements in C order) and {@code <folder>/version} ({@code 3}), where
 * {@code <folder>} is the file name without its extension, as torch names it.
 *
 * <p>Values allowed anywhere in the structure: {@link Map} (a dict, in iteration order; keys String, Integer
 * or Long), {@link OrderedDict}, {@link List}, {@link Tuple}, String, Integer, Long, Double, Float (a Python
 * float, so read back as a double), Boolean, null, and {@link INDArray} (a tensor of the same dtype and
 * shape: float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool; rank 0 included).
 * Each tensor gets its own storage holding its elements contiguously (a view or an 'f'-order array is written
 * as a C-order copy); the same INDArray object placed twice shares one storage, as in torch.save. Tensors are
 * streamed from their off-heap memory into the file, so a checkpoint of any size needs no more heap than its
 * pickle.
 *
 * <p>Python floats are pickled as {@code torch.save} pickles them (BINFLOAT); PyTorch 1.13's weights-only
 * unpickler lacks that opcode (it cannot read {@code torch.save}'s own files with a float either), later
 * versions read it.
 */
public final class TorchCheckpointWriter {

    /** Python values to pickle: {@code collections.OrderedDict} (state dicts), items in iteration order. */
    public record OrderedDict(Map<String, ?> entries) {
    }

    /** A Python tuple. */
    public record Tuple(List<?> items) {
    }

    /** What torch.save writes as the archive's format version. */
    private static final String VERSION = "3\n";

    private TorchCheckpointWriter() {
    }

    /**
     * Writes root as torch.save does, atomically: to a temporary file in the same folder, synced, then renamed
     * over {@code file}, so a reader (or a crash) never sees half a checkpoint.
     *
     * @throws IllegalArgumentException naming the path in the structure of a value of an unsupported type
     *                                  (before anything is written)
     */
    public static void write(Path file, Map<String, ?> root) throws IOException {
        TorchPickler pickle = TorchPickler.pickle(root);
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                AlignedZipWriter zip = new AlignedZipWriter(out);
                writeEntries(zip, folderName(target), pickle);
                zip.finish();
                channel.force(true);
                zip.close();
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(temp);
        }
    }

    private static void writeEntries(AlignedZipWriter zip, String folder, TorchPickler pickle) throws IOException {
        zip.add(folder + "/data.pkl", pickle.bytes());
        zip.add(folder + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (TorchPickler.Storage s : pickle.storages()) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                zip.add(folder + "/data/" + s.key(), elementBytes(s.array(), s.type()));
            }
        }
        zip.add(folder + "/version", VERSION.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The array's elements in C order as little-endian bytes: its own memory when it is a whole C-order
     * buffer, else (a view, an 'f'-order array) a C-order copy.
     */
    private static ByteBuffer elementBytes(INDArray a, ElementType type) {
        long bytes = a.length() * type.size;
        if (bytes == 0) return ByteBuffer.allocate(0);
        INDArray dense = a;
        if (a.isView() || a.ordering() != 'c' || !Shape.hasDefaultStridesForShape(a)
                || a.data().asNio().capacity() != bytes) {
            dense = a.dup('c');
        }
        ByteBuffer b = dense.data().asNio();
        if (b.capacity() != bytes || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("cannot take the bytes of a " + a.dataType() + " array of shape "
                    + java.util.Arrays.toString(a.shape()) + " (buffer of " + b.capacity() + " bytes, "
                    + ByteOrder.nativeOrder() + ")");
        }
        return b.duplicate().clear();
    }

    /** torch.save names the zip's folder after the file, without its extension; anything odd becomes "archive". */
    static String folderName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0) name = name.substring(0, dot);
        return name.matches("[A-Za-z0-9._-]+") ? name : "archive";
    }
}
