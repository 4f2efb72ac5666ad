package org.vificlip.text;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vificlip.testing.TokenizerCases;

import java.io.IOException;
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
    private static TokenizerCases fixture;
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        fixture = TokenizerCases.read();
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
        for (TokenizerCases.Case c : fixture.cases) {
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
        TokenizerCases.Case longest = fixture.cases.stream().max((a, b) -> Integer.compare(a.bpe.length, b.bpe.length)).get();
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

    /**
     * Text clean-up beyond the fixture (ftfy's fixers, HTML unescaping, Python's lower-casing of sigma).
     * The ids were computed by OpenAI's simple_tokenizer.py code with ftfy 6.3.1 and regex 2026.9.29.
     */
    private static final String[][] CLEANING_CASES = {
            {"can\u2019t stop \u201cquoted\u201d", "753 713 1691 257 27706 257"},
            {"\ufb01nance \ufb02ower \u0133s", "6117 4055 7337 338"},
            {"\uff21\uff22\uff23\uff11\u3000\uff01full width", "5334 272 256 1476 23571"},
            {"&amp;amp;amp; triple", "261 7673"},
            {"<b>&amp;amp;lt;</b>", "283 321 29 261 3333 26 34308 321 285"},
            {"a\n<b>\n&amp;amp;", "320 283 321 285 261"},
            {"x\u0085y \u0093hi\u0094", "343 959 344 257 1883 257"},
            {"ctrl\u0001\u001b[31mred\u001b[0m\u007f\ufeff", "35602 75 736"},
            {"\u00a0nbsp\u2002en\u3000ideo ", "6459 4393 576 1909 334"},
            {"<|endoftext|> inside", "49407 2912"},
            {"IT'S WE'D", "585 568 649 1896"},
            {"\u03a3\u039f\u03a3 \u03a3. a\u03a3'b \u4e2d\u03a3", "139 225 138 123 139 480 139 481 269 64 139 481 262 321 19759 255 139 481"},
            {"e\u0301 nfd", "4166 77 11525"},
            {"&#8217;s &#150;", "568 1224"},
    };

    @Test
    void textCleaningMatchesFtfyAndPython() {
        for (String[] c : CLEANING_CASES) {
            int[] expected = Arrays.stream(c[1].split(" ")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(expected, tokenizer.encode(c[0]), c[0]);
        }
    }

    @Test
    void decodeGivesBackTheCleanedText() {
        for (TokenizerCases.Case c : fixture.cases.subList(0, 200)) {
            String decoded = tokenizer.decode(c.bpe).strip();
            assertArrayEquals(c.bpe, tokenizer.encode(decoded), c.text + " -> " + decoded);
        }
        assertEquals("a photo of a dog . ", tokenizer.decode(new int[] {320, 1125, 539, 320, 1929, 269}));
    }
}
