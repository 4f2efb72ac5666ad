package org.vificlip.text;

import org.junit.jupiter.api.Test;
import org.vificlip.data.LabelFile;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PromptTemplateTest {
    private static final Path CLIP_FIXTURES = ClipFixtures.dir();

    @Test
    void formatsLikeViFiClip() {
        assertEquals("a photo of a playing guitar.", PromptTemplate.DEFAULT.format("playing guitar"));
        assertEquals("a photo of a ApplyEyeMakeup.", PromptTemplate.fromContextInit("a_photo_of_a").format("ApplyEyeMakeup"));
        assertEquals(List.of("x {} y.", "x b y."), new PromptTemplate("x {} y.").formatAll(List.of("{}", "b")));
        assertThrows(IllegalArgumentException.class, () -> new PromptTemplate("no placeholder"));
        assertThrows(IllegalArgumentException.class, () -> new PromptTemplate("{} and {}"));
    }

    /** classes.txt → "a photo of a {}." → tokens must equal the reference inputs/text_tokens.npy. */
    @Test
    void classFilePromptsTokenizeToTheReferenceTextTokens() throws IOException {
        List<String> classes = LabelFile.readClassNames(CLIP_FIXTURES.resolve("classes.txt"));
        int[][] expected = ClipFixtures.textTokens();
        assertEquals(expected.length, classes.size());
        int[][] tokens = ClipTokenizer.load().tokenize(PromptTemplate.DEFAULT.formatAll(classes), 77, false);
        for (int i = 0; i < classes.size(); i++) {
            assertArrayEquals(expected[i], tokens[i], classes.get(i));
        }
    }
}
