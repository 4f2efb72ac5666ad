package org.vificlip.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ModelDownloader} against a local HTTP server on the loopback address that serves files under
 * {@code /<sha256>/<name>} as OpenAI's does, honours Range requests, and can cut a transfer halfway.
 */
class ModelDownloaderTest {
    private static final String ARCH = "ViT-B/16";

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Requests to cut after half of the body (counted down per request). */
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        byte[] body = files.get(exchange.getRequestURI().getPath());
        String range = exchange.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "" : range);
        try (exchange) {
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            int from = 0;
            if (range != null) {
                from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                exchange.sendResponseHeaders(206, body.length - from);
            } else {
                exchange.sendResponseHeaders(200, body.length);
            }
            OutputStream out = exchange.getResponseBody();
            if (cutsLeft.getAndDecrement() > 0) {
                // Half of what was promised, then the connection goes away.
                out.write(body, from, (body.length - from) / 2);
                out.flush();
                throw new IOException("cut");
            }
            out.write(body, from, body.length - from);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Publishes {@code served} at an address carrying {@code sha}, and a downloader pointed at it. */
    private ModelDownloader publish(byte[] served, String sha, int attempts) {
        files.put("/" + sha + "/ViT-B-16.pt", served);
        return new ModelDownloader(new ModelCache(tmp.resolve("cache")), Map.of(ARCH, base() + sha + "/ViT-B-16.pt"),
                attempts, Duration.ZERO);
    }

    @Test
    void goodFileIsFetchedVerifiedAndThenNotFetchedAgain() throws Exception {
        byte[] data = content(300_000, 1);
        ModelDownloader downloader = publish(data, sha256(data), 1);
        Path file = downloader.download(ARCH);
        assertEquals(tmp.resolve("cache/ViT-B-16.pt"), file);
        assertArrayEquals(data, Files.readAllBytes(file));
        assertFalse(Files.exists(tmp.resolve("cache/ViT-B-16.pt.part")));
        assertEquals(1, requests.get());

        assertEquals(file, downloader.download(ARCH));
        assertEquals(1, requests.get(), "a verified cached file is not fetched again");
        assertEquals(file, new ModelCache(tmp.resolve("cache")).require(ARCH));
    }

    @Test
    void corruptFileIsDeletedAndReported() throws Exception {
        byte[] data = content(100_000, 2);
        byte[] corrupt = data.clone();
        corrupt[5000] ^= 1;
        ModelDownloader downloader = publish(corrupt, sha256(data), 1);
        BadInputException e = assertThrows(BadInputException.class, () -> downloader.download(ARCH));
        assertTrue(e.getMessage().contains("does not match " + sha256(data)), e.getMessage());
        assertTrue(e.getMessage().contains("deleted"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache/ViT-B-16.pt.part")));
        assertFalse(Files.exists(tmp.resolve("cache/ViT-B-16.pt")));
    }

    @Test
    void corruptCachedFileIsReplaced() throws Exception {
        byte[] data = content(50_000, 3);
        ModelDownloader downloader = publish(data, sha256(data), 1);
        Files.createDirectories(tmp.resolve("cache"));
        Files.write(tmp.resolve("cache/ViT-B-16.pt"), content(50_000, 4));
        assertArrayEquals(data, Files.readAllBytes(downloader.download(ARCH)));
        assertEquals(1, requests.get());
    }

    @Test
    void transferCutHalfwayIsResumedWithARangeRequest() throws Exception {
        byte[] data = content(1_000_000, 5);
        cutsLeft.set(1);
        ModelDownloader downloader = publish(data, sha256(data), 3);
        assertArrayEquals(data, Files.readAllBytes(downloader.download(ARCH)));
        assertEquals(2, requests.get());
        assertEquals("", ranges.get(0));
        long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= data.length / 2, ranges.toString());
    }

    @Test
    void brokenTransferKeepsThePartialFileForTheNextRun() throws Exception {
        byte[] data = content(800_000, 6);
        cutsLeft.set(1);
        ModelDownloader once = publish(data, sha256(data), 1);
        IOException e = assertThrows(IOException.class, () -> once.download(ARCH));
        assertTrue(e.getMessage().contains("again to resume"), e.getMessage());
        Path part = tmp.resolve("cache/ViT-B-16.pt.part");
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept < data.length, "kept " + kept);

        assertArrayEquals(data, Files.readAllBytes(once.download(ARCH)));
        assertEquals("bytes=" + kept + "-", ranges.get(1));
        assertFalse(Files.exists(part));
    }

    @Test
    void notFoundNamesTheAddress() throws Exception {
        String sha = sha256(new byte[]{1});
        ModelDownloader downloader = new ModelDownloader(new ModelCache(tmp.resolve("cache")),
                Map.of(ARCH, base() + sha + "/ViT-B-16.pt"), 3, Duration.ZERO);
        IOException e = assertThrows(IOException.class, () -> downloader.download(ARCH));
        assertTrue(e.getMessage().contains(base() + sha + "/ViT-B-16.pt"), e.getMessage());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertEquals(1, requests.get(), "a 404 is not retried");
    }

    @Test
    void officialAddressesCarryTheTableOfModelsReadme() {
        ModelDownloader official = new ModelDownloader(new ModelCache(tmp));
        assertEquals("https://openaipublic.azureedge.net/clip/models/"
                + "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt", official.url(ARCH));
        assertEquals("5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f",
                ModelDownloader.expectedSha256(official.url(ARCH)));
        assertEquals("http://mirror/x/3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt",
                ModelDownloader.addresses("http://mirror/x").get("ViT-L/14@336px"));
        assertEquals(tmp.resolve("ViT-L-14-336px.pt"), new ModelCache(tmp).file("ViT-L/14@336px"));
    }

    @Test
    void missingCachedFileSaysWhichCommandFetchesIt() {
        BadInputException e = assertThrows(BadInputException.class, () -> new ModelCache(tmp).require("ViT-B/32"));
        assertTrue(e.getMessage().contains("vificlip download ViT-B/32"), e.getMessage());
    }
}
