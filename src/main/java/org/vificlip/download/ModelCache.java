package org.vificlip.download;

import org.vificlip.BadInputException;
import org.vificlip.checkpoint.OpenAiModels;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where downloaded OpenAI models live: {@code ~/.cache/vificlip/ViT-B-16.pt} (the file name of the official
 * address, as OpenAI's {@code clip.load} caches them). The folder is, first found: the system property
 * {@value #PROPERTY}, the environment variable {@value #ENV}, {@code ~/.cache/vificlip}. A file only gets
 * its final name after its SHA-256 was checked ({@link ModelDownloader}), so a cached file is a verified one.
 */
public final class ModelCache {
    /** Environment variable naming the cache folder. */
    public static final String ENV = "VIFICLIP_CACHE";
    /** System property naming the cache folder (wins over {@link #ENV}; tests use it). */
    public static final String PROPERTY = "vificlip.cache";

    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = dir;
    }

    /** The cache in its default place (property, environment, then {@code ~/.cache/vificlip}). */
    public static ModelCache standard() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return new ModelCache(Path.of(property));
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return new ModelCache(Path.of(env));
        }
        return new ModelCache(Path.of(System.getProperty("user.home"), ".cache", "vificlip"));
    }

    public Path dir() {
        return dir;
    }

    /** True if {@code name} is one of OpenAI's architectures ({@code ViT-B/16}, ...), the names {@code download} takes. */
    public static boolean isArchitecture(String name) {
        return OpenAiModels.URLS.containsKey(name);
    }

    /** The architectures, in {@code models/README.md}'s order. */
    public static Iterable<String> architectures() {
        return OpenAiModels.URLS.keySet();
    }

    /** Where the model of an architecture is (or will be) cached. */
    public Path file(String architecture) {
        return dir.resolve(fileName(OpenAiModels.URLS.get(checked(architecture))));
    }

    /**
     * The cached file of an architecture, for {@code --weights ViT-B/16}; a file not downloaded yet stops
     * with the command that fetches it.
     */
    public Path require(String architecture) throws BadInputException {
        Path file = file(architecture);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, "not downloaded: OpenAI's " + architecture + " weights are fetched with"
                    + " `vificlip download " + architecture + "`" + (isDefault() ? "" : " (with " + ENV + "=" + dir + ")"));
        }
        return file;
    }

    private boolean isDefault() {
        return dir.equals(Path.of(System.getProperty("user.home"), ".cache", "vificlip"));
    }

    static String fileName(String url) {
        String path = URI.create(url).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String checked(String architecture) {
        if (!isArchitecture(architecture)) {
            throw new IllegalArgumentException("unknown architecture '" + architecture + "'; known: "
                    + String.join(", ", OpenAiModels.URLS.keySet()));
        }
        return architecture;
    }

    /** The official addresses (architecture to URL). */
    static Map<String, String> officialUrls() {
        return OpenAiModels.URLS;
    }
}
