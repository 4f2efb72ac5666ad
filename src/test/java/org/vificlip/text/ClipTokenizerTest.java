package org.vificlip.text;

import com.google.gson.Gson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI's tokenizer output on the reference texts (tokenizer/cases.json) must be matched exactly. */
class ClipTokenizerTest {
    /** The JSON layout of cases.json. */
    static final class Cases {
        int sot;
        int eot;
        int context_length;
        List<Case> cases;
    }

    static final class Case {
        String text;
        int[] bpe;
        int[] tokens77;
    }

    private static Cases fixture;
    private static ClipTokenizer tokenizer;

    static Cases readCases() throws IOException {
        Path dir = Path.of(System.getProperty("fixtures.tokenizer", "src/test/fixtures/tokenizer"));
        try (Reader in = Files.newBufferedReader(dir.resolve("cases.json"), StandardCharsets.UTF_8)) {
            return new Gson().fromJson(in, Cases.class);
        }
    }

    @BeforeAll
    static void load() throws IOException {
        fixture = readCases();
        tokenizer = ClipTokenizer.load();
    }

    @Test
    void specialTokensAndContextMatchTheFixture() {
        assertEquals(fixture.sot, ClipTokenizer.START_ID);
        assertEquals(fixture.eot, ClipTokenizer.END_ID);
        assertEquals(fixture.context_length, ClipTokenizer.CONTEXT_LENGTH);
        assertEquals(49408, tokenizer.vocabularySize());
    }

    @Test
    void everyCaseMatchesBpeAndTokens77Exactly() {
        List<String> failures = new ArrayList<>();
        for (Case c : fixture.cases) {
            int[] bpe = tokenizer.encode(c.text);
            int[] tokens77 = tokenizer.tokenize77(c.text);
            if (!Arrays.equals(bpe, c.bpe) || !Arrays.equals(tokens77, c.tokens77)) {
                failures.add(c.text + "\n  expected " + Arrays.toString(c.bpe) + "\n  got      " + Arrays.toString(bpe));
            }
        }
        System.out.printf("tokenizer: %d of %d cases exact%n", fixture.cases.size() - failures.size(),
                fixture.cases.size());
        assertTrue(fixture.cases.size() > 1000, "fixture holds " + fixture.cases.size() + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " cases differ:\n" + String.join("\n", failures));
    }

    @Test
    void batchTokenizeEqualsPerTextTokens77() {
        List<String> texts = fixture.cases.subList(0, 50).stream().map(c -> c.text).toList();
        int[][] batch = tokenizer.tokenize(texts, 77, false);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(fixture.cases.get(i).tokens77, batch[i], texts.get(i));
        }
    }

    /** A text of more than 77 tokens, built from the longest case: its ids are that case's ids twice. */
    @Test
    void longTextIsCutWithEndTokenLastOrRefused() {
        Case longest = fixture.cases.stream().max((a, b) -> Integer.compare(a.bpe.length, b.bpe.length)).get();
        String text = longest.text + " " + longest.text;
        int[] twice = IntStream.concat(Arrays.stream(longest.bpe), Arrays.stream(longest.bpe)).toArray();
        assertTrue(twice.length + 2 > 77);

        int[] expected = new int[77];
        expected[0] = ClipTokenizer.START_ID;
        System.arraycopy(twice, 0, expected, 1, 75);
        expected[76] = ClipTokenizer.END_ID;
        assertArrayEquals(expected, tokenizer.tokenize77(text));
        assertArrayEquals(expected, tokenizer.tokenize(List.of(text), 77, true)[0]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.tokenize(List.of("short", text), 77, false));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void decodeGivesBackTheCleanedText() {
        for (Case c : fixture.cases.subList(0, 200)) {
            String decoded = tokenizer.decode(c.bpe).strip();
            assertArrayEquals(c.bpe, tokenizer.encode(decoded), c.text + " -> " + decoded);
        }
        assertEquals("a photo of a dog . ", tokenizer.decode(new int[] {320, 1125, 539, 320, 1929, 269}));
    }
}
