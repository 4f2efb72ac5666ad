package org.vificlip.testing;

import com.google.gson.Gson;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer fixture {@code cases.json} (directory {@code -Dfixtures.tokenizer}, default
 * {@code src/test/fixtures/tokenizer}): OpenAI's tokenizer output on the reference texts, in its JSON layout.
 */
public final class TokenizerCases {
    public int sot;
    public int eot;
    public int context_length;
    public List<Case> cases;

    /** One reference text: its BPE ids, and the 77-token row with start, end and zero padding. */
    public static final class Case {
        public String text;
        public int[] bpe;
        public int[] tokens77;
    }

    public static Path dir() {
        return Path.of(System.getProperty("fixtures.tokenizer", "src/test/fixtures/tokenizer"));
    }

    public static TokenizerCases read() throws IOException {
        try (Reader in = Files.newBufferedReader(dir().resolve("cases.json"), StandardCharsets.UTF_8)) {
            return new Gson().fromJson(in, TokenizerCases.class);
        }
    }
}
