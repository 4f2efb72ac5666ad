package org.vificlip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vificlip.testing.MainRunner;
import org.vificlip.testing.TokenizerCases;
import org.vificlip.testing.TokenizerCases.Case;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MainRunner cli = new MainRunner();

    /** Single-line fixture cases, among them accents, entities, emoji, CJK and the longest one. */
    private static List<Case> someCases() throws IOException {
        List<Case> all = TokenizerCases.read().cases;
        List<Case> picked = new ArrayList<>();
        for (Case c : all.subList(0, 40)) {
            if (c.text.indexOf('\n') < 0 && c.text.indexOf('\r') < 0) {
                picked.add(c);
            }
        }
        return picked;
    }

    private static String expectedLine(Case c) {
        return "49406 " + Arrays.stream(c.bpe).mapToObj(Integer::toString).map(s -> s + " ").collect(Collectors.joining())
                + "49407";
    }

    @Test
    void eachLineGivesItsIdsWithStartAndEnd() throws IOException {
        List<Case> cases = someCases();
        Path file = tmp.resolve("texts.txt");
        Files.writeString(file, cases.stream().map(c -> c.text + "\n").collect(Collectors.joining()),
                StandardCharsets.UTF_8);

        assertEquals(0, cli.run("tokenize", "--file", file.toString()), cli.stderr());
        List<String> lines = cli.stdout().lines().toList();
        assertEquals(cases.size(), lines.size());
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(expectedLine(cases.get(i)), lines.get(i), cases.get(i).text);
        }
    }

    @Test
    void dashReadsStandardInput() throws IOException {
        Case c = someCases().get(1);
        System.setIn(new ByteArrayInputStream((c.text + "\r\n\n").getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, cli.run("tokenize", "-f", "-"), cli.stderr());
        assertEquals(List.of(expectedLine(c), "49406 49407"), cli.stdout().lines().toList());
    }

    @Test
    void badInputIsAOneLineErrorAndExitCode2() throws IOException {
        Path missing = tmp.resolve("missing.txt");
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("tokenize", "--file", missing.toString()));
        assertTrue(cli.stderr().contains(missing + ": file not found"), cli.stderr());

        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertEquals(Main.EXIT_BAD_INPUT, cli.run("tokenize", "--file", latin1.toString()));
        assertTrue(cli.stderr().contains(latin1 + ": line 2: not valid UTF-8"), cli.stderr());

        assertEquals(Main.EXIT_BAD_INPUT, cli.run("tokenize"));
        assertTrue(cli.stderr().contains("Missing required option"), cli.stderr());
    }

    @Test
    void helpDescribesTheCommand() {
        assertEquals(0, cli.run("tokenize", "--help"));
        assertTrue(cli.stdout().contains("--file"), cli.stdout());
    }
}
