package org.vificlip.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelFileTest {
    private static final Path LABELS = Path.of("src/test/fixtures/labels");

    @TempDir
    Path tmp;

    /** Expected values read with Python's csv module from ViFi-CLIP's own files (CRLF line ends). */
    @Test
    void readsViFiClipLabelCsvs() throws IOException {
        List<String> hmdb = LabelFile.readClassNames(LABELS.resolve("hmdb_51_labels.csv"));
        assertEquals(51, hmdb.size());
        assertEquals("brush hair", hmdb.get(0));
        assertEquals("wave", hmdb.get(50));

        List<String> ssv2 = LabelFile.readClassNames(LABELS.resolve("ssv2_174_base_labels.csv"));
        assertEquals(87, ssv2.size());
        assertEquals("Pouring something into something", ssv2.get(0));
        assertEquals("Removing something, revealing something behind", ssv2.get(5));
        assertEquals("Putting something, something and something on the table", ssv2.get(20));
        assertEquals("Putting something on a surface", ssv2.get(86));
    }

    @Test
    void csvRowsAreOrderedByIdAndQuotesUnescaped() throws IOException {
        Path f = write("shuffled.csv", "id,name\n2,\"say \"\"hi\"\"\"\n0,zero\n\n1,\"one, two\"\n");
        assertEquals(List.of("zero", "one, two", "say \"hi\""), LabelFile.readClassNames(f));
    }

    @Test
    void csvIsRecognisedByItsHeaderWhateverTheName() throws IOException {
        Path f = write("labels.txt", "\uFEFFid,name\r\n0,a\r\n1,b\r\n");
        assertEquals(List.of("a", "b"), LabelFile.readClassNames(f));
    }

    @Test
    void plainTextIsOneClassPerLineSkippingBlanks() throws IOException {
        Path f = write("classes.txt", "\napply eye makeup\r\n  playing guitar  \n\n\nride horse");
        assertEquals(List.of("apply eye makeup", "playing guitar", "ride horse"), LabelFile.readClassNames(f));
    }

    @Test
    void badFilesNameTheFileAndLine() throws IOException {
        assertBad(tmp.resolve("missing.csv"), "not found");
        assertBad(tmp, "directory");
        assertBad(write("empty.txt", ""), "empty");
        assertBad(write("blank.csv", "\n  \r\n"), "empty");
        assertBad(write("headeronly.csv", "id,name\n"), "no class rows");
        assertBad(write("noheader.csv", "0,a\n1,b\n"), "line 1: expected the CSV header");
        assertBad(write("dup.csv", "id,name\n0,a\n1,b\n1,c\n"), "line 4: id 1 already used on line 3");
        assertBad(write("gap.csv", "id,name\n0,a\n2,b\n"), "line 3: id 2 is outside 0..1");
        assertBad(write("negative.csv", "id,name\n-1,a\n0,b\n"), "line 2: id -1 is outside");
        assertBad(write("notint.csv", "id,name\n0,a\nx,b\n"), "line 3: id 'x' is not an integer");
        assertBad(write("threefields.csv", "id,name\n0,a\n1,b,c\n"), "line 3: expected 2 fields");
        assertBad(write("onefield.csv", "id,name\n0\n"), "line 2: expected 2 fields");
        assertBad(write("quote.csv", "id,name\n0,\"open\n1,b\n"), "line 2: unclosed quote");
        assertBad(write("noname.csv", "id,name\n0,a\n1,  \n"), "line 3: class 1 has an empty name");
        assertBad(write("samename.csv", "id,name\n0,a\n1,a\n"), "line 3: class name 'a' already on line 2");
        assertBad(write("samename.txt", "a\n\nb\na\n"), "line 4: class name 'a' already on line 1");
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertBad(latin1, "not a UTF-8 text file");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static void assertBad(Path file, String problem) {
        BadInputException e = assertThrows(BadInputException.class, () -> LabelFile.readClassNames(file),
                file.toString());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
