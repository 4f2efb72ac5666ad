package org.vificlip.download;

import me.tongfei.progressbar.ProgressBar;
import org.vificlip.BadInputException;
import org.vificlip.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches OpenAI's CLIP files into a {@link ModelCache}, as OpenAI's {@code clip._download} does, plus resume:
 * the bytes go to {@code <name>.part}; a broken transfer is resumed with an HTTP range request (here, up to a
 * few times, and on the next run from the kept {@code .part}); the SHA-256 that the address carries (the path
 * segment before the file name) is checked before the file takes its final name; a mismatch deletes the
 * file and says so. An already cached file is verified, not fetched again.
 */
public final class ModelDownloader {
    /** The official address prefix (OpenAI's {@code clip/clip.py _MODELS}). */
    public static final String OFFICIAL_BASE = "https://openaipublic.azureedge.net/clip/models/";
    /** System property replacing {@link #OFFICIAL_BASE} (a mirror, or a local server in tests). */
    public static final String BASE_PROPERTY = "vificlip.download.base";

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int ATTEMPTS = 5;

    private final ModelCache cache;
    private final Map<String, String> urls;
    private final int attempts;
    private final Duration retryPause;
    private final HttpClient http;

    /** Official addresses (or those under {@value #BASE_PROPERTY} if set). */
    public ModelDownloader(ModelCache cache) {
        this(cache, addresses(System.getProperty(BASE_PROPERTY, OFFICIAL_BASE)), ATTEMPTS, Duration.ofSeconds(2));
    }

    /** For tests: any address table (architecture to URL whose second-to-last segment is the SHA-256). */
    ModelDownloader(ModelCache cache, Map<String, String> urls, int attempts, Duration retryPause) {
        this.cache = cache;
        this.urls = urls;
        this.attempts = attempts;
        this.retryPause = retryPause;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The official table with its prefix replaced by {@code base}. */
    static Map<String, String> addresses(String base) {
        String prefix = base.endsWith("/") ? base : base + "/";
        Map<String, String> table = new LinkedHashMap<>();
        ModelCache.officialUrls().forEach((arch, url) -> table.put(arch, prefix + url.substring(OFFICIAL_BASE.length())));
        return table;
    }

    /** The address an architecture is fetched from. */
    public String url(String architecture) {
        return urls.get(ModelCache.checked(architecture));
    }

    /** The SHA-256 an address carries: its second-to-last path segment. */
    static String expectedSha256(String url) {
        String[] parts = URI.create(url).getPath().split("/");
        return parts[parts.length - 2].toLowerCase();
    }

    /** Makes sure the verified file of {@code architecture} is in the cache; returns its path. */
    public Path download(String architecture) throws IOException {
        String url = url(architecture);
        String expected = expectedSha256(url);
        Files.createDirectories(cache.dir());
        Path target = cache.dir().resolve(ModelCache.fileName(url));
        if (Files.isRegularFile(target)) {
            String actual = sha256(target, "verifying");
            if (actual.equals(expected)) {
                System.err.println(architecture + ": already in the cache, SHA-256 verified: " + target);
                return target;
            }
            System.err.println(target + ": SHA-256 " + actual + " is not " + expected + ": deleted, fetching again");
            Files.delete(target);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        if (Files.exists(part)) {
            System.err.println("resuming from " + part + " (" + Files.size(part) + " bytes)");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                fetch(url, part, architecture);
                break;
            } catch (TransferBroken e) {
                long have = Files.exists(part) ? Files.size(part) : 0;
                if (attempt >= attempts) {
                    if (have == 0) {
                        Files.deleteIfExists(part);
                        throw new IOException(url + ": nothing received (" + e.getMessage() + ") in " + attempts
                                + " attempts: check the network connection and run `vificlip download " + architecture
                                + "` again", e);
                    }
                    throw new IOException(url + ": transfer broken after " + have + " bytes (" + e.getMessage() + "), "
                            + attempts + " attempts; the partial file " + part + " is kept: run `vificlip download "
                            + architecture + "` again to resume", e);
                }
                System.err.println(url + ": transfer broken after " + have + " bytes (" + e.getMessage()
                        + "); resuming (attempt " + (attempt + 1) + " of " + attempts + ")");
                pause();
            }
        }
        String actual = sha256(part, "verifying");
        if (!actual.equals(expected)) {
            Files.delete(part);
            throw new BadInputException(part, "SHA-256 " + actual + " does not match " + expected
                    + ", the one its address " + url + " carries: the download is corrupt and was deleted;"
                    + " run `vificlip download " + architecture + "` again");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.err.println(architecture + ": SHA-256 verified, saved " + target);
        return target;
    }

    /** One request: the whole file, or the rest of it after what {@code part} already holds. */
    private void fetch(String url, Path part, String architecture) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(url + ": interrupted", e);
        } catch (IOException e) {
            throw new TransferBroken("no response: " + e, e);
        }
        int status = response.statusCode();
        long total;
        boolean append;
        try (InputStream body = response.body()) {
            if (status == 206) {
                Matcher range = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
                if (!range.matches() || Long.parseLong(range.group(1)) != have) {
                    // A range we did not ask for: start over rather than splice wrong bytes.
                    Files.deleteIfExists(part);
                    throw new TransferBroken("the server answered a different range ("
                            + response.headers().firstValue("Content-Range").orElse("none") + "); starting over", null);
                }
                total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
                append = true;
            } else if (status == 200) {
                // The server ignores ranges (or nothing was there yet): the whole file from the start.
                total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                append = false;
                have = 0;
            } else if (status == 416 && have > 0) {
                // Nothing after what we hold: the .part is already whole (the checksum decides).
                return;
            } else {
                throw new IOException(url + ": HTTP " + status + (status == 404 ? " (not found)" : "")
                        + ": nothing to download at this address"
                        + (System.getProperty(BASE_PROPERTY) != null ? " (-D" + BASE_PROPERTY + " is set)" : ""));
            }
            copy(body, part, append, have, total, architecture);
        }
    }

    private static void copy(InputStream body, Path part, boolean append, long have, long total, String architecture)
            throws IOException {
        long written = have;
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
             ProgressBar bar = Progress.bytes("download " + architecture, total)) {
            bar.stepTo(have);
            byte[] buffer = new byte[1 << 16];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new TransferBroken(e.toString(), e);
                }
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                written += n;
                bar.stepBy(n);
            }
        }
        if (total >= 0 && written < total) {
            throw new TransferBroken("connection closed at " + written + " of " + total + " bytes", null);
        }
    }

    private void pause() throws IOException {
        try {
            Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Lower-case hex SHA-256 of a file, with a progress bar for big ones. */
    static String sha256(Path file, String task) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file);
             ProgressBar bar = size > (64L << 20) ? Progress.bytes(task, size) : null) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                if (bar != null) {
                    bar.stepBy(n);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A transfer that stopped early and can be resumed. */
    private static final class TransferBroken extends IOException {
        TransferBroken(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
