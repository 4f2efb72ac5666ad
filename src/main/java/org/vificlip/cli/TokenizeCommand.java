package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.BadInputException;
import org.vificlip.text.ClipTokenizer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code vificlip tokenize --file F}: CLIP token ids of each line, start and end included, no padding. */
public final class TokenizeCommand implements Command {
    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "CLIP BPE token ids of each line of a text file (start and end tokens included, no padding)";
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder("f").longOpt("file").hasArg().argName("FILE")
                .desc("UTF-8 text, one text per line; '-' reads standard input. Each line gives one output line: "
                        + "the ids separated by spaces, first " + ClipTokenizer.START_ID + " (start), last " + ClipTokenizer.END_ID + " (end)")
                .build());
    }

    @Override
    public int run(CommandLine cmd) throws IOException, MissingOptionException {
        // checked here, not with Option.required(): Main parses before it looks for --help
        if (!cmd.hasOption("file")) {
            throw new MissingOptionException("Missing required option: file");
        }
        String file = cmd.getOptionValue("file");
        boolean stdin = file.equals("-");
        Path path = Path.of(stdin ? "<stdin>" : file);
        if (!stdin && Files.isDirectory(path)) {
            throw new BadInputException(path, "is a directory, not a text file");
        }
        try (InputStream in = stdin ? System.in : Files.newInputStream(path)) {
            tokenizeLines(in, path, System.out);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path, "file not found");
        }
        return 0;
    }

    private static void tokenizeLines(InputStream in, Path path, PrintStream out) throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        InputStream bytes = new BufferedInputStream(in);
        ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
        StringBuilder ids = new StringBuilder();
        try {
            for (int lineNo = 1; readLine(bytes, lineBytes); lineNo++) {
                String text;
                try {
                    text = utf8.decode(ByteBuffer.wrap(lineBytes.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new BadInputException(path, "line " + lineNo + ": not valid UTF-8 text", e);
                }
                ids.setLength(0);
                for (int id : tokenizer.withStartAndEnd(text)) {
                    if (ids.length() > 0) {
                        ids.append(' ');
                    }
                    ids.append(id);
                }
                out.println(ids);
            }
        } finally {
            out.flush();
        }
    }

    /** Reads up to the next LF (CRLF also ends a line) into {@code line}; false at the end of input. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        byte[] read = line.toByteArray();
        if (read.length > 0 && read[read.length - 1] == '\r') {
            line.reset();
            line.write(read, 0, read.length - 1);
        }
        return true;
    }
}
