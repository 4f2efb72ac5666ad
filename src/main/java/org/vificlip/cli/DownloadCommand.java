package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.vificlip.BadInputException;
import org.vificlip.download.ModelCache;
import org.vificlip.download.ModelDownloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code vificlip download ViT-B/16}: OpenAI's weights from their official address into the cache
 * ({@link ModelCache}), verified by SHA-256; afterwards {@code --weights ViT-B/16} finds them.
 * Without an architecture it lists them and what is cached.
 */
public final class DownloadCommand implements Command {
    @Override
    public String name() {
        return "download";
    }

    @Override
    public String summary() {
        return "ARCH...: fetch OpenAI's CLIP weights (ViT-B/16, ...) into the cache, resumable, SHA-256 checked;"
                + " no ARCH lists the architectures and what is cached";
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("cache").hasArg().argName("DIR")
                .desc("cache folder (default: $" + ModelCache.ENV + ", else ~/.cache/vificlip); --weights ARCH reads"
                        + " the same place, so set " + ModelCache.ENV + " rather than this flag to use it later").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        ModelCache cache = cmd.hasOption("cache") ? new ModelCache(Path.of(cmd.getOptionValue("cache"))) : ModelCache.standard();
        if (cmd.getArgList().isEmpty()) {
            System.out.println("usage: vificlip download ARCH...   (cache: " + cache.dir() + ")");
            for (String arch : ModelCache.architectures()) {
                Path file = cache.file(arch);
                System.out.printf("  %-16s %s%n", arch, Files.isRegularFile(file) ? "cached: " + file : "not downloaded");
            }
            return 0;
        }
        for (String arch : cmd.getArgList()) {
            if (!ModelCache.isArchitecture(arch)) {
                throw new ParseException("unknown architecture '" + arch + "'; known: "
                        + String.join(", ", ModelCache.architectures()));
            }
        }
        ModelDownloader downloader = new ModelDownloader(cache);
        for (String arch : cmd.getArgList()) {
            System.err.println(arch + ": " + downloader.url(arch));
            try {
                System.out.println(downloader.download(arch));
            } catch (BadInputException e) {
                throw e;
            } catch (IOException e) {
                // Network trouble is not a bug: one line naming the address and what to do, no stack trace.
                System.err.println("vificlip download: " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
