package org.vificlip.text;

import org.junit.jupiter.api.Test;
import org.vificlip.data.LabelFile;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        int[][] expected = readInt32Matrix(CLIP_FIXTURES.resolve("inputs/text_tokens.npy"));
        assertEquals(expected.length, classes.size());
        int[][] tokens = ClipTokenizer.load().tokenize(PromptTemplate.DEFAULT.formatAll(classes), 77, false);
        for (int i = 0; i < classes.size(); i++) {
            assertArrayEquals(expected[i], tokens[i], classes.get(i));
        }
    }

    /** A little-endian int32 2-D .npy (NumPy format 1.0/2.0), enough for the token fixture. */
    static int[][] readInt32Matrix(Path npy) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        int major = buf.get(6);
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        String header = new String(buf.array(), major == 1 ? 10 : 12, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'<i4'") && header.contains("'fortran_order': False"), header);
        String[] shape = header.replaceAll(".*'shape': \\((\\d+), (\\d+)\\).*", "$1 $2").strip().split(" ");
        int rows = Integer.parseInt(shape[0]);
        int cols = Integer.parseInt(shape[1]);
        int[][] m = new int[rows][cols];
        buf.position(dataStart);
        for (int[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = buf.getInt();
            }
        }
        return m;
    }
}
