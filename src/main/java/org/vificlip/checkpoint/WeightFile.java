package org.vificlip.checkpoint;

import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A weights file (or Hugging Face directory) opened in whatever format its content shows, with its
 * tensors named as OpenAI's CLIP names them. Holds the file open until closed, because tensors are read
 * lazily.
 */
final class WeightFile implements AutoCloseable {

    private final String format;
    private final PickledWeights weights;
    private final AutoCloseable resource;

    private WeightFile(String format, PickledWeights weights, AutoCloseable resource) {
        this.format = format;
        this.weights = weights;
        this.resource = resource;
    }

    String format() {
        return format;
    }

    PickledWeights weights() {
        return weights;
    }

    static WeightFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new BadInputException(path, "no such file or directory");
        }
        if (Files.isDirectory(path)) {
            return openDirectory(path);
        }
        byte[] head = readHead(path, 16);
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return openZip(path);
        }
        if (Safetensors.looksLike(head, Files.size(path))) {
            return new WeightFile("safetensors", ClipNames.toOpenAi(Safetensors.read(path)), () -> { });
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new BadInputException(path, "a legacy (before PyTorch 1.6) torch.save pickle: not supported; "
                    + "re-save it with a recent PyTorch (torch.save(torch.load(f), f)) to get the zip format");
        }
        throw new BadInputException(path, "not a PyTorch zip checkpoint, a safetensors file or a Hugging Face "
                + "directory (" + Files.size(path) + " bytes, starting " + hex(head) + ")");
    }

    private static WeightFile openZip(Path path) throws IOException {
        TorchZipArchive archive = TorchZipArchive.open(path);
        try {
            String format = archive.isTorchScript() ? "TorchScript archive" : "torch.save zip";
            PickledWeights weights = ClipNames.toOpenAi(PickledWeights.of(archive.readDataPickle(), path));
            return new WeightFile(format, weights, archive);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    private static WeightFile openDirectory(Path dir) throws IOException {
        Path safetensors = dir.resolve("model.safetensors");
        if (Files.isRegularFile(safetensors)) {
            if (!Files.isRegularFile(dir.resolve("config.json"))) {
                throw new BadInputException(dir, "Hugging Face directory without config.json");
            }
            HuggingFaceConfig.check(dir.resolve("config.json"));
            return new WeightFile("Hugging Face safetensors", ClipNames.toOpenAi(Safetensors.read(safetensors)), () -> { });
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            if (Files.isRegularFile(dir.resolve("config.json"))) HuggingFaceConfig.check(dir.resolve("config.json"));
            return new WeightFile("Hugging Face sharded safetensors", ClipNames.toOpenAi(Safetensors.readSharded(index)), () -> { });
        }
        Path bin = dir.resolve("pytorch_model.bin");
        if (Files.isRegularFile(bin)) {
            return openZip(bin);
        }
        throw new BadInputException(dir, "directory without model.safetensors (or pytorch_model.bin): "
                + "not a Hugging Face model directory");
    }

    private static byte[] readHead(Path path, int n) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(n);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) s.append(String.format("%02x", b[i] & 0xff));
        return s.length() == 0 ? "empty" : "0x" + s;
    }

    @Override
    public void close() throws IOException {
        try {
            resource.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
