package org.vificlip.checkpoint;

import org.vificlip.BadInputException;
import org.vificlip.checkpoint.PickleValues.StorageRef;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch zip checkpoint, as {@code torch.save} (since 1.6) and {@code torch.jit.save} write it:
 * {@code <folder>/data.pkl} (the pickled object), {@code <folder>/data/<key>} (raw little-endian storages),
 * and for TorchScript also {@code constants.pkl} + {@code constants/<key>} and {@code code/}. The folder
 * name is whatever the file was called when saved, so it is found, not assumed. Entries are read with
 * random access ({@link ZipFile}); storages are read only when a tensor is materialised.
 */
final class TorchZipArchive implements AutoCloseable {

    private final Path source;
    private final ZipFile zip;
    private final String folder; // "tiny-a/" (with slash), or "" for a pickle at the root

    private TorchZipArchive(Path source, ZipFile zip, String folder) {
        this.source = source;
        this.zip = zip;
        this.folder = folder;
    }

    static TorchZipArchive open(Path source) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(source.toFile());
        } catch (ZipException e) {
            throw new BadInputException(source, "truncated or corrupt zip archive (" + e.getMessage() + ")", e);
        }
        try {
            TorchZipArchive archive = new TorchZipArchive(source, zip, findFolder(source, zip));
            archive.requireLittleEndian();
            return archive;
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static String findFolder(Path source, ZipFile zip) throws BadInputException {
        List<String> pickles = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.equals("data.pkl") || (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9)) {
                pickles.add(name);
            }
        }
        if (pickles.isEmpty()) {
            throw new BadInputException(source, "zip archive without a '<folder>/data.pkl' entry: not a PyTorch checkpoint");
        }
        if (pickles.size() > 1) {
            throw new BadInputException(source, "zip archive with several data.pkl entries " + pickles);
        }
        String pickle = pickles.get(0);
        return pickle.substring(0, pickle.length() - "data.pkl".length());
    }

    /** Recent PyTorch records the byte order of the storages; everything here reads little-endian. */
    private void requireLittleEndian() throws IOException {
        ZipEntry entry = zip.getEntry(folder + "byteorder");
        if (entry == null) return;
        try (InputStream in = zip.getInputStream(entry)) {
            String order = new String(in.readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new BadInputException(source, "storages saved in '" + order + "' byte order; only little-endian is supported");
            }
        }
    }

    /** True for a TorchScript archive ({@code torch.jit.save}, such as OpenAI's released {@code ViT-B-16.pt}). */
    boolean isTorchScript() {
        return zip.getEntry(folder + "constants.pkl") != null || zip.getEntry(folder + "code/") != null
                || hasEntryUnder(folder + "code/");
    }

    private boolean hasEntryUnder(String prefix) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            if (entries.nextElement().getName().startsWith(prefix)) return true;
        }
        return false;
    }

    /**
     * Unpickles {@code data.pkl}, whose tensors live in {@code data/}. (A TorchScript archive's
     * {@code constants.pkl} holds only what tracing froze, such as the causal mask and scalars, not weights.)
     */
    Object readDataPickle() throws IOException {
        return readPickle("data.pkl", "data/");
    }

    private Object readPickle(String name, String storageFolder) throws IOException {
        ZipEntry entry = zip.getEntry(folder + name);
        byte[] data;
        try (InputStream in = zip.getInputStream(entry)) {
            data = in.readAllBytes();
        } catch (ZipException e) {
            throw new BadInputException(source, "cannot read " + entry.getName() + " (" + e.getMessage() + ")", e);
        }
        return RestrictedUnpickler.load(source, entry.getName(), data, ref -> storageBytes(storageFolder, ref));
    }

    private TorchTensor.StorageBytes storageBytes(String storageFolder, StorageRef ref) {
        String entryName = folder + storageFolder + ref.key();
        return new TorchTensor.StorageBytes() {
            @Override
            public ByteBuffer read(long byteOffset, int length) throws IOException {
                ZipEntry entry = zip.getEntry(entryName);
                if (entry == null) throw new IOException("storage " + entryName + " is missing from the archive");
                if (entry.getSize() >= 0 && byteOffset + length > entry.getSize()) {
                    throw new IOException("storage " + entryName + " holds " + entry.getSize() + " bytes, the tensor needs "
                            + (byteOffset + length));
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    in.skipNBytes(byteOffset);
                    byte[] b = in.readNBytes(length);
                    if (b.length != length) throw new IOException("storage " + entryName + " is truncated");
                    return ByteBuffer.wrap(b);
                } catch (java.io.EOFException e) {
                    throw new IOException("storage " + entryName + " is truncated", e);
                }
            }

            @Override
            public String name() {
                return entryName;
            }
        };
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
