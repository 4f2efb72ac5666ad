package org.vificlip.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.download.ModelDownloader;
import org.vificlip.testing.MainRunner;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code download} command line: listing, unknown names, and a 404 from a mirror on the loopback address. */
class DownloadCommandTest {
    @RegisterExtension
    final MainRunner cli = new MainRunner();

    @TempDir
    Path tmp;

    @Test
    void listsTheArchitecturesAndWhatIsCached() throws Exception {
        Files.writeString(tmp.resolve("ViT-B-32.pt"), "x");
        assertEquals(0, cli.run("download", "--cache", tmp.toString()));
        assertTrue(cli.stdout().contains("ViT-B/32         cached: " + tmp.resolve("ViT-B-32.pt")), cli.stdout());
        assertTrue(cli.stdout().contains("ViT-L/14@336px   not downloaded"), cli.stdout());
    }

    @Test
    void unknownArchitectureIsABadInput() {
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("download", "--cache", tmp.toString(), "ViT-B/8"));
        assertTrue(cli.stderr().contains("known: ViT-B/32, ViT-B/16"), cli.stderr());
    }

    @Test
    void notFoundOnTheServerNamesTheAddress() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
        System.setProperty(ModelDownloader.BASE_PROPERTY, base);
        try {
            assertEquals(1, cli.run("download", "--cache", tmp.toString(), "ViT-B/16"));
        } finally {
            System.clearProperty(ModelDownloader.BASE_PROPERTY);
            server.stop(0);
        }
        assertTrue(cli.stderr().contains(base + "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt: HTTP 404"),
                cli.stderr());
        assertTrue(Files.notExists(tmp.resolve("ViT-B-16.pt")) && Files.notExists(tmp.resolve("ViT-B-16.pt.part")));
    }
}
