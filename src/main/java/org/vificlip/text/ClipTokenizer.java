package org.vificlip.text;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer, as OpenAI's {@code clip/simple_tokenizer.py} and
 * {@code clip.tokenize}: clean the text, split it into words with CLIP's regex, map each word's UTF-8
 * bytes to printable characters, merge pairs by rank, look the pieces up in the 49,408-entry vocabulary.
 * Thread-safe; words already seen are served from a cache, so tokenizing class prompts costs
 * microseconds each.
 */
public final class ClipTokenizer {
    /** Id of {@code <|startoftext|>}. */
    public static final int START_ID = 49406;
    /** Id of {@code <|endoftext|>}; the text encoder reads its features at this position. */
    public static final int END_ID = 49407;
    /** CLIP's text context length. */
    public static final int CONTEXT_LENGTH = 77;

    private static final String VOCAB_RESOURCE = "bpe_simple_vocab_16e6.txt.gz";
    /** simple_tokenizer.py keeps lines 1 .. 49152-256-2 of the merges file (line 0 is a header). */
    private static final int MERGE_COUNT = 49152 - 256 - 2;
    private static final String START_TOKEN = "<|startoftext|>";
    private static final String END_TOKEN = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";

    /** CLIP's pre-tokenisation: special tokens, English contractions, letter runs, single digits, other runs. */
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    /** GPT-2's bytes_to_unicode: byte value → the character standing for it. */
    private final char[] byteToChar = new char[256];
    /** The inverse: character → byte value (characters are all below 512). */
    private final int[] charToByte = new int[512];
    private final Map<String, Integer> encoder = new HashMap<>();
    private final String[] decoder;
    /** Rank of a merge, keyed by "first second" (pieces never contain a space). */
    private final Map<String, Integer> mergeRanks = new HashMap<>();
    /** Byte-encoded word → its ids; words repeat a lot across class prompts. */
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private static final class Holder {
        static final ClipTokenizer INSTANCE = new ClipTokenizer(readMerges());
    }

    /** The tokenizer with CLIP's vocabulary (read from the jar once, then shared). */
    public static ClipTokenizer load() {
        return Holder.INSTANCE;
    }

    private ClipTokenizer(List<String[]> merges) {
        int[] byteOrder = buildByteMapping();
        List<String> vocab = new ArrayList<>(2 * 256 + merges.size() + 2);
        for (int b : byteOrder) {
            vocab.add(String.valueOf(byteToChar[b]));
        }
        for (int b : byteOrder) {
            vocab.add(byteToChar[b] + END_OF_WORD);
        }
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] merge = merges.get(rank);
            vocab.add(merge[0] + merge[1]);
            mergeRanks.put(merge[0] + " " + merge[1], rank);
        }
        vocab.add(START_TOKEN);
        vocab.add(END_TOKEN);
        decoder = vocab.toArray(new String[0]);
        for (int id = 0; id < decoder.length; id++) {
            encoder.put(decoder[id], id);
        }
        if (encoder.get(START_TOKEN) != START_ID || encoder.get(END_TOKEN) != END_ID) {
            throw new IllegalStateException("unexpected BPE vocabulary: special tokens are not at 49406/49407");
        }
        cache.put(START_TOKEN, new int[] {START_ID});
        cache.put(END_TOKEN, new int[] {END_ID});
    }

    /**
     * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other bytes get the
     * code points from 256 on, so every byte string becomes a string of visible, non-space characters.
     * Returns the byte values in the order the vocabulary lists them (printable ones first).
     */
    private int[] buildByteMapping() {
        int[] order = new int[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                byteToChar[b] = (char) b;
                order[next++] = b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                byteToChar[b] = (char) (256 + extra++);
                order[next++] = b;
            }
        }
        Arrays.fill(charToByte, -1);
        for (int b = 0; b < 256; b++) {
            charToByte[byteToChar[b]] = b;
        }
        return order;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** BPE ids of a text, without start and end tokens ({@code SimpleTokenizer.encode}). */
    public int[] encode(String text) {
        String cleaned = ClipTextCleaner.clean(text);
        int[] ids = new int[Math.max(16, cleaned.length())];
        int count = 0;
        Matcher words = WORDS.matcher(cleaned);
        while (words.find()) {
            int[] wordIds = cache.computeIfAbsent(byteEncode(words.group()), this::bpeIds);
            if (count + wordIds.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(2 * ids.length, count + wordIds.length));
            }
            System.arraycopy(wordIds, 0, ids, count, wordIds.length);
            count += wordIds.length;
        }
        return Arrays.copyOf(ids, count);
    }

    /** {@code clip.tokenize(text)} with context 77, truncating a longer text (end token kept last). */
    public int[] tokenize77(String text) {
        return tokenize(List.of(text), CONTEXT_LENGTH, true)[0];
    }

    /**
     * {@code clip.tokenize(texts, context_length, truncate)}: per text start token, BPE ids, end token,
     * zero padding to {@code contextLength}. A longer text is cut with the end token last when
     * {@code truncate}, otherwise it is an {@link IllegalArgumentException} naming the text.
     */
    public int[][] tokenize(List<String> texts, int contextLength, boolean truncate) {
        int[][] result = new int[texts.size()][contextLength];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = withStartAndEnd(texts.get(i));
            if (ids.length > contextLength) {
                if (!truncate) {
                    throw new IllegalArgumentException("Input " + texts.get(i) + " is too long for context length "
                            + contextLength + " (" + ids.length + " tokens)");
                }
                ids = Arrays.copyOf(ids, contextLength);
                ids[contextLength - 1] = END_ID;
            }
            System.arraycopy(ids, 0, result[i], 0, ids.length);
        }
        return result;
    }

    /** Start token, BPE ids, end token; no padding, no length limit. */
    public int[] withStartAndEnd(String text) {
        int[] bpe = encode(text);
        int[] ids = new int[bpe.length + 2];
        ids[0] = START_ID;
        System.arraycopy(bpe, 0, ids, 1, bpe.length);
        ids[ids.length - 1] = END_ID;
        return ids;
    }

    /** Text of ids ({@code SimpleTokenizer.decode}): word ends become spaces; invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= decoder.length) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.."
                        + (decoder.length - 1) + ")");
            }
            String piece = decoder[id];
            for (int i = 0; i < piece.length(); i++) {
                bytes.write(charToByte[piece.charAt(i)]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(END_OF_WORD, " ");
    }

    /** Vocabulary size (49,408). */
    public int vocabularySize() {
        return decoder.length;
    }

    /** A word's UTF-8 bytes as the printable characters the merges are written in. */
    private String byteEncode(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            chars[i] = byteToChar[utf8[i] & 0xFF];
        }
        return new String(chars);
    }

    private int[] bpeIds(String token) {
        List<String> pieces = bpe(token);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = encoder.get(pieces.get(i));
        }
        return ids;
    }

    /**
     * {@code SimpleTokenizer.bpe}: start from single characters (the last one marked as word end) and
     * repeatedly merge every occurrence of the adjacent pair with the lowest rank, until no pair is ranked.
     */
    private List<String> bpe(String token) {
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) {
            word.add(String.valueOf(token.charAt(i)));
        }
        word.add(token.charAt(token.length() - 1) + END_OF_WORD);
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    private static List<String[]> readMerges() {
        try (InputStream raw = ClipTokenizer.class.getResourceAsStream(VOCAB_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + VOCAB_RESOURCE + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            reader.readLine();  // header line
            List<String[]> merges = new ArrayList<>(MERGE_COUNT);
            for (String line; merges.size() < MERGE_COUNT && (line = reader.readLine()) != null; ) {
                merges.add(line.split(" "));
            }
            if (merges.size() != MERGE_COUNT) {
                throw new IllegalStateException(VOCAB_RESOURCE + " holds " + merges.size() + " merges, expected "
                        + MERGE_COUNT);
            }
            return merges;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + VOCAB_RESOURCE, e);
        }
    }
}
